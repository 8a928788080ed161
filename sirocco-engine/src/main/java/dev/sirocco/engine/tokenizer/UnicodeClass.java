package dev.sirocco.engine.tokenizer;

/**
 * The code point classes llama.cpp's pre-tokenizers test ({@code \p{L}}, {@code \p{N}}, {@code \s}, ...), defined as
 * llama.cpp's src/unicode-data.cpp defines them: general categories from the Unicode database (here the JDK's),
 * and whitespace as the Unicode White_Space property, which is wider than Java's {@code \s}.
 */
final class UnicodeClass {
    private UnicodeClass() {
    }

    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    static boolean isLetter(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> true;
            default -> false;
        };
    }

    static boolean isNumber(int cp) {
        return switch (Character.getType(cp)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    static boolean isMark(int cp) {
        return switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> true;
            default -> false;
        };
    }

    static boolean isPunctuation(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    static boolean isSymbol(int cp) {
        return switch (Character.getType(cp)) {
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    /**
     * The one character llama.cpp substitutes for a code point before running a std::regex over the text
     * (unicode_regex_split's "collapsed" text): ASCII stays, other whitespace becomes 0x0B, other code points
     * a private marker per category (0xD1 number, 0xD2 letter, 0xD3 punctuation, 0xD4 mark, 0xD5 symbol, 0xD0 rest).
     */
    static char collapse(int cp) {
        if (cp < 128) {
            return (char) cp;
        }
        if (isWhitespace(cp)) {
            return 0x0B;
        }
        if (isNumber(cp)) {
            return 0xD1;
        }
        if (isLetter(cp)) {
            return 0xD2;
        }
        if (isPunctuation(cp)) {
            return 0xD3;
        }
        if (isMark(cp)) {
            return 0xD4;
        }
        if (isSymbol(cp)) {
            return 0xD5;
        }
        return 0xD0;
    }
}
