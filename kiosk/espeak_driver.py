"""pyttsx3's espeak-ng driver with its audio capture made whole.

espeak-ng synthesises on a thread of its own and calls back into pyttsx3. pyttsx3
2.99's driver (a) handles the events of a callback before appending that callback's
samples, so the last piece of an utterance can be lost or leak into the next one, and
(b) cannot tell a late callback of the previous utterance from the current one, so a
late "finished" event ends the next utterance with an empty WAV. Here each utterance
carries its own number through espeak-ng, callbacks of other utterances are ignored,
and samples are kept before pyttsx3 handles the events. Registered as the pyttsx3
driver "kiosk_espeak"; everything else is pyttsx3's own.
"""
import ctypes
import sys

from pyttsx3.drivers import _espeak, espeak

DRIVER_NAME = "kiosk_espeak"


class KioskEspeakDriver(espeak.EspeakDriver):
    def __init__(self, proxy):
        self._utterance = 0
        super().__init__(proxy)

    def _start_synthesis(self, text):
        self._utterance += 1
        self._proxy.setBusy(True)
        self._proxy.notify("started-utterance")
        self._speaking = True
        self._data_buffer = b""
        _espeak.Synth(str(text).encode("utf-8"), flags=_espeak.ENDPAUSE | _espeak.CHARS_UTF8,
                      user_data=self._utterance)

    def _onSynth(self, wav, numsamples, events):
        if events[0].user_data != self._utterance:
            return 0  # a late callback of an earlier utterance
        if self._speaking and numsamples > 0:
            self._data_buffer += ctypes.string_at(wav, numsamples * ctypes.sizeof(ctypes.c_short))
        return super()._onSynth(wav, 0, events)


def buildDriver(proxy):  # noqa: N802 (pyttsx3's driver interface)
    return KioskEspeakDriver(proxy)


def register():
    """Make `pyttsx3.init("kiosk_espeak")` find this driver."""
    sys.modules[f"pyttsx3.drivers.{DRIVER_NAME}"] = sys.modules[__name__]
