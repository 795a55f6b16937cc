# The two commands a fresh machine needs:
#   make run    set up everything and serve the kiosk at http://127.0.0.1:8080
#   make test   set up everything and run the whole test suite (unit, views, real browser)

VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-release setup translations extract-messages clean install-kiosk uninstall-kiosk bundle update

run: setup
	$(BIN)/python -m kiosk.serve

# KIOSK_REQUIRE_POSTGRES=1: the back-office tests that run on a throwaway PostgreSQL fail
# rather than skip when it cannot start, so that half of the suite cannot quietly vanish.
test: setup
	scripts/install-system-packages.sh test
	KIOSK_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

# Before a release: the same suite with every package × language × orientation × text size
# walked by touch (96 journeys instead of 12; about 40 minutes more), every language in
# every mode on the accessibility walk, and every language in the receipt, hint and
# portrait-signer tests.
test-release: setup
	scripts/install-system-packages.sh test
	KIOSK_RELEASE=1 KIOSK_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(BIN)/.installed translations

$(BIN)/.installed: pyproject.toml scripts/install-system-packages.sh
	scripts/install-system-packages.sh run
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

translations: $(BIN)/.installed
	$(BIN)/pybabel compile --domain messages --directory locales --statistics

# For developers: gather new strings from code and templates into every language's .po.
extract-messages: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -o locales/messages.pot --no-location --sort-output --no-wrap --project=kiosk .
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --no-wrap --ignore-obsolete

# Turn this Debian machine into a kiosk (as root): services, users, full-screen browser at
# boot (README "Install as a kiosk"). ROOT=DIR installs into a folder instead of the machine;
# WHEELHOUSE=DIR installs the Python packages offline. Neither target touches $(VENV).
install-kiosk:
	deploy/install-kiosk.sh $(if $(ROOT),--root $(ROOT)) $(if $(WHEELHOUSE),--wheelhouse $(WHEELHOUSE))

# Undo install-kiosk; keeps /var/lib/kiosk and /etc/kiosk unless PURGE=1.
uninstall-kiosk:
	deploy/uninstall-kiosk.sh $(if $(ROOT),--root $(ROOT)) $(if $(PURGE),--purge)

# On a connected machine: an update bundle of VERSION (default: pyproject's version + the
# commit) from REF (default HEAD) in dist/: the code, a wheel of every dependency, the voice
# models in var/voice-models, the clip library and a checksum manifest (deploy/bundle.py).
bundle: $(BIN)/.installed
	$(BIN)/python -m deploy.bundle $(if $(VERSION),--version '$(VERSION)') $(if $(REF),--ref '$(REF)')

# On the kiosk, from /opt/kiosk/current: sudo make update BUNDLE=/media/usb/kiosk-V.tar
# Verifies the bundle, installs it beside the running version, backs up the database,
# migrates, switches over between residents, and rolls back by itself if the new version
# does not come up healthy (deploy/update.py). Uses the machine's python3, nothing else.
update:
	@test -n '$(BUNDLE)' || { echo 'make update needs BUNDLE=/path/to/kiosk-VERSION.tar'; exit 2; }
	python3 -m deploy.update --bundle '$(BUNDLE)' $(UPDATE_ARGS)

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/messages.mo
