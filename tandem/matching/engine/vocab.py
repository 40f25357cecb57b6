"""Names for codes, so explanations read "both speak Turkish", not "tr".

Codes not listed here are shown as given, so a programme may also write
language names directly.
"""

LANGUAGE_NAMES: dict[str, str] = {
    "ar": "Arabic",
    "bm": "Bambara",
    "bs": "Bosnian",
    "ber": "Tamazight",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "it": "Italian",
    "ku": "Kurdish",
    "ln": "Lingala",
    "nl": "Dutch",
    "pap": "Papiamento",
    "pl": "Polish",
    "prs": "Dari",
    "ps": "Pashto",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "so": "Somali",
    "sq": "Albanian",
    "sr": "Serbian",
    "srn": "Sranan Tongo",
    "ti": "Tigrinya",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "wo": "Wolof",
    "zh": "Chinese",
}

GENDER_NAMES: dict[str, str] = {"F": "female", "M": "male", "X": "non-binary"}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def gender_name(code: str) -> str:
    return GENDER_NAMES.get(code, code)
