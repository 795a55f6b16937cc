"""The ways in and out beside touch: keyboards, pinyin, handwriting."""
