""""Did you mean ...?" for an operator's misspelt key or code (kiosk.ini, the catalogue)."""
import difflib


def did_you_mean(word, choices):
    """' (did you mean "x"?)' for the closest of `choices`, or '' when none is close.

    The same letters in another case or order (ksl, CLS for CSL) come first: difflib
    alone rates a swapped pair in a three-letter code below an unrelated code.
    """
    word = str(word)
    choices = sorted(choices)
    same_letters = [choice for choice in choices
                    if sorted(choice.lower()) == sorted(word.lower())]
    close = same_letters or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""
