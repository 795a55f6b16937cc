#!/usr/bin/env python3
"""Extract stroke samples of the 300 most frequent characters for the handwriting tests.

    .venv/bin/python scripts/extract-handwriting-samples.py [--package FOLDER]

Takes the stroke medians of each character from hanzi-writer-data 2.0.1 (fetched with
`npm pack` into a temporary folder, or read from an unpacked FOLDER), turns them into
canvas coordinates (a 1024 box, y pointing down, integers) and writes
tests/data/handwriting-samples.json, with the data's licence copied beside it. Running it
twice gives the same bytes.
"""
import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "hanzi-writer-data@2.0.1"
TARGET = Path(__file__).resolve().parents[1] / "tests" / "data" / "handwriting-samples.json"
LICENCE_TARGET = TARGET.with_name("handwriting-samples.LICENSE.txt")
# hanzi-writer draws a character in a 1024 box whose y axis points up from a baseline at
# y = 0; the top of the box is y = 900. Canvas y = 900 - y puts every point in 0..1024.
BOX, TOP = 1024, 900

FREQUENCY_SOURCE = ("Jun Da, Modern Chinese Character Frequency List (现代汉语单字频率列表), "
                    "Middle Tennessee State University, 2004: "
                    "lingua.mtsu.edu/chinese-computing/statistics/char/list.php?Which=MO "
                    "- the first 300 characters, in frequency order")
# The first 300 characters of that list, 50 a line.
CHARACTERS = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里"
    "用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实"
    "日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政"
    "美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员"
    "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件"
    "计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象"
)
SOURCE = (f"npm package {PACKAGE} (github.com/chanind/hanzi-writer-data), derived from "
          "Make Me a Hanzi (github.com/skishore/makemeahanzi): the 'medians' of each "
          "character, converted to canvas coordinates (1024 box, y down). "
          f"Characters chosen from: {FREQUENCY_SOURCE}.")
LICENCE = ("Stroke data derived from fonts by Arphic Technology Co., Ltd., via Make Me a Hanzi "
           "and hanzi-writer-data; redistributed under the Arphic Public License, whose text "
           f"is in {LICENCE_TARGET.name}.")


def fetch_package(folder):
    """Unpack hanzi-writer-data from the npm registry into `folder`; return its root."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    archive = next(Path(folder).glob("hanzi-writer-data-*.tgz"))
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return Path(folder) / "package"


def canvas_medians(medians):
    """Medians in hanzi-writer's y-up box, as integer canvas points with y pointing down."""
    return [[[round(x), round(TOP - y)] for x, y in stroke] for stroke in medians]


def samples(package):
    """Every chosen character's strokes, in frequency order."""
    found = {}
    for character in CHARACTERS:
        data = json.loads((package / f"{character}.json").read_text(encoding="utf-8"))
        found[character] = canvas_medians(data["medians"])
    return found


def write(found, package):
    """Write the samples one character a line (compact, yet readable in a diff)."""
    header = {"source": SOURCE, "licence": LICENCE, "width": BOX, "height": BOX}
    lines = [json.dumps(header, ensure_ascii=False)[:-1] + ',"characters":{']
    entries = [json.dumps(character, ensure_ascii=False) + ":" +
               json.dumps(strokes, separators=(",", ":")) for character, strokes in found.items()]
    lines.append(",\n".join(entries))
    lines.append("}}\n")
    TARGET.write_text("\n".join(lines), encoding="utf-8")
    shutil.copyfile(package / "ARPHICPL.TXT", LICENCE_TARGET)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path,
                        help="an unpacked hanzi-writer-data 2.0.1 folder (default: npm pack)")
    args = parser.parse_args(argv)
    assert len(CHARACTERS) == len(set(CHARACTERS)) == 300
    with tempfile.TemporaryDirectory() as folder:
        package = args.package or fetch_package(folder)
        version = json.loads((package / "package.json").read_text())["version"]
        if version != PACKAGE.rsplit("@", 1)[1]:
            sys.exit(f"{package} holds hanzi-writer-data {version}, not {PACKAGE}")
        found = samples(package)
        write(found, package)
    json.loads(TARGET.read_text(encoding="utf-8"))  # what was written parses
    print(f"{len(found)} characters -> {TARGET} ({TARGET.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
