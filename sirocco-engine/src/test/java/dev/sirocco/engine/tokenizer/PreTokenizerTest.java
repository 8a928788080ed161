package dev.sirocco.engine.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class PreTokenizerTest {

    // The regexes as the models' tokenizer.json files write them; with UNICODE_CHARACTER_CLASS Java's \s is the
    // Unicode White_Space property and \p{L}/\p{N} are general categories, the definitions llama.cpp's tables use.
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    private static final String LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Splits with a regex the way tokenizers' "Isolated" Split does: matches and the gaps between them. */
    private static List<String> regexSplit(String regex, String text) {
        Matcher m = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS).matcher(text);
        List<String> out = new ArrayList<>();
        int prev = 0;
        while (m.find()) {
            if (m.start() > prev) {
                out.add(text.substring(prev, m.start()));
            }
            out.add(m.group());
            prev = m.end();
        }
        if (prev < text.length()) {
            out.add(text.substring(prev));
        }
        return out;
    }

    // letters (Latin, accented, Cyrillic, CJK, kana), digits (ASCII, Arabic-Indic, superscript), marks, whitespace
    // (ASCII, NBSP, ideographic space, line separator), punctuation, symbols and emoji (surrogate pairs)
    private static final String[] ALPHABET = {"a", "B", "s", "t", "S", "T", "l", "L", "v", "e", "r", "E", "d", "M",
            "é", "Ж", "я", "我", "想", "カ", "1", "2", "9", "٣", "²", "\u0301", " ", " ", " ", "  ", "\n", "\r", "\t",
            "\u00A0", "\u3000", "\u2028", "'", "'", ".", ",", "!", "?", "-", "(", ")", "/", "$", "+", "<", "=", "|",
            "~", "`", "…", "😀", "🦙", "\u200d", "€"};

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void handWrittenSplittersMatchTheirRegexOnRandomText(int seed) {
        Random random = new Random(seed);
        for (int n = 0; n < 400; n++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + random.nextInt(24);
            for (int i = 0; i < len; i++) {
                sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            String text = sb.toString();
            assertThat(PreTokenizers.GPT2.split(text)).as("gpt2 %s", escape(text)).isEqualTo(regexSplit(GPT2, text));
            assertThat(PreTokenizers.LLAMA3.split(text)).as("llama3 %s", escape(text)).isEqualTo(regexSplit(LLAMA3, text));
            assertThat(PreTokenizers.QWEN2.split(text)).as("qwen2 %s", escape(text)).isEqualTo(regexSplit(QWEN2, text));
        }
    }

    private static String escape(String s) {
        return s.codePoints().mapToObj(c -> c < 128 && c >= 32 ? String.valueOf((char) c) : String.format("\\u%04x", c))
                .reduce("", String::concat);
    }

    @Test
    void llama3GroupsDigitsByThreeAndQwen2SplitsEveryDigit() {
        assertThat(PreTokenizers.LLAMA3.split("1234567")).containsExactly("123", "456", "7");
        assertThat(PreTokenizers.QWEN2.split("2024")).containsExactly("2", "0", "2", "4");
    }

    @Test
    void runsOfSpacesLeaveTheLastSpaceToTheNextWord() {
        assertThat(PreTokenizers.LLAMA3.split("a   b")).containsExactly("a", "  ", " b");
        assertThat(PreTokenizers.LLAMA3.split("a \n\n b")).containsExactly("a", " \n\n", " b");
        assertThat(PreTokenizers.GPT2.split("a   b ")).containsExactly("a", "  ", " b", " ");
        // NBSP and the ideographic space are whitespace for llama.cpp, though not for Java's default \s
        assertThat(PreTokenizers.LLAMA3.split("a\u00A0\u00A0b")).containsExactly("a", "\u00A0", "\u00A0b");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"I'VE|I,'VE", "we'll|we,'ll", "it's|it,'s"})
    void contractionsAreCaseInsensitiveForLlama3(String text, String words) {
        assertThat(PreTokenizers.LLAMA3.split(text)).containsExactly(words.split(","));
    }

    @Test
    void gpt2ContractionsAreCaseSensitive() {
        assertThat(PreTokenizers.GPT2.split("I'VE")).containsExactly("I", "'", "VE");
    }

    @Test
    void cjkIsLettersAndEmojiArePunctuationLike() {
        assertThat(PreTokenizers.LLAMA3.split("我想在apple工作1314")).containsExactly("我想在apple工作", "131", "4");
        assertThat(PreTokenizers.LLAMA3.split(" 🦙🦙 x")).containsExactly(" 🦙🦙", " x");
    }

    @Test
    void defaultPreTokenizerSeparatesPunctuationRunsAndDigitTriples() {
        // [\p{P}$+<=>^~|]+ first, then the GPT-2 rules, then \p{N}+ and [0-9]{3} within the remaining pieces
        assertThat(PreTokenizers.DEFAULT.split("a+=b 12345")).containsExactly("a", "+=", "b", " ", "123", "45");
    }
}
