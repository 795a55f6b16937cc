"""What the cards show of each service and package: worked out once per language.

The builder, "Add another service" and the menu show the same catalogue texts on every
visit: a service's title, summary, facts (department, time limit, fee, online, visit)
and button names, and a package's facts. Each card's macro used to work them out again
(a dozen translations and look-ups a card, 41 cards on "Add another service"); now the
first page in a language works them out and the others reuse them, as the service
search does its search terms. Rebuilt with everything else when the catalogue changes
(kiosk.catalogue_switch.parts_from).
"""
from collections import namedtuple

from flask_babel import gettext as _
from flask_babel import ngettext

ServiceTexts = namedtuple("ServiceTexts", "title summary facts add remove")
PackageTexts = namedtuple("PackageTexts", "title summary facts")


def format_fee(amount):
    """A fee in yuan as written on the screens: 0.5, 10, 12.5."""
    return f"{amount:g}"


def time_limit_text(days):
    """The longest time limit of a set of services, in words ("Same day" for 0)."""
    if not days:
        return _("Same day")
    return ngettext("Up to %(num)d working day", "Up to %(num)d working days", days)


class CardTexts:
    """The cards' texts in each language. gettext answers in the request's language, so
    they are worked out only when asked for in the screen's own language."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        self._services = {}
        self._packages = {}

    def service(self, item, language):
        """ServiceTexts of catalogue Item `item` in `language` (the screen's)."""
        key = (item.key, language)
        if key not in self._services:
            self._services[key] = self._service_texts(item, language)
        return self._services[key]

    def package(self, package, language):
        """PackageTexts of catalogue Package `package` in `language` (the screen's)."""
        key = (package.key, language)
        if key not in self._packages:
            self._packages[key] = self._package_texts(package, language)
        return self._packages[key]

    def _service_texts(self, item, language):
        title = item.title.in_language(language)
        department = self.catalogue.departments[item.department].title
        # As the receipt says it: never "no visit" for a service collected later.
        if item.next_step.visit == "none":
            visit = _("No visit needed")
        elif item.next_step.visit == "now":
            visit = _("At a counter today")
        else:
            visit = _("Come back on a later day")
        facts = ((_("Handled by"), department.in_language(language) if department else ""),
                 (_("Time limit"),
                  ngettext("%(num)d working day", "%(num)d working days", item.time_limit_days)
                  if item.time_limit_days else _("Same day")),
                 (_("Fee"), _("%(amount)s yuan", amount=format_fee(item.fee_yuan))
                  if item.fee_yuan else _("Free")),
                 (_("Online"), _("Can be done online") if item.online else _("Not online")),
                 (_("Visit"), visit))
        return ServiceTexts(title, item.summary.in_language(language) if item.summary else "",
                            facts, _("Add: %(title)s", title=title),
                            _("Remove: %(title)s", title=title))

    def _package_texts(self, package, language):
        items = package.default_items()
        facts = (ngettext("%(num)d service", "%(num)d services", len(package.items)),
                 time_limit_text(self.catalogue.longest_days(items)),
                 _("No visit needed") if self.catalogue.all_without_visit(items)
                 else _("One visit needed"))
        return PackageTexts(package.title.in_language(language),
                            package.summary.in_language(language) if package.summary else "",
                            facts)
