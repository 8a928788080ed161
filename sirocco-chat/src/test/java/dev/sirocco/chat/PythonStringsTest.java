package dev.sirocco.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected values are what CPython 3's str methods return for the same calls. */
class PythonStringsTest {

    @Test
    void splitWithoutSeparatorDropsWhitespaceRunsAndKeepsTheRestAfterMaxsplit() {
        assertThat(PythonStrings.split("  a b  c ", null, -1)).containsExactly("a", "b", "c");
        assertThat(PythonStrings.split("  a b  ", null, 1)).containsExactly("a", "b  ");
        assertThat(PythonStrings.split("", null, -1)).isEmpty();
    }

    @Test
    void splitWithSeparatorKeepsEmptyPieces() {
        assertThat(PythonStrings.split("a,,b", ",", -1)).containsExactly("a", "", "b");
        assertThat(PythonStrings.split("a b c", " ", 1)).containsExactly("a", "b c");
        assertThat(PythonStrings.split("", ",", -1)).containsExactly("");
        assertThat(PythonStrings.rsplit("a,b,c", ",", 1)).containsExactly("a,b", "c");
    }

    @Test
    void stripUsesPythonWhitespaceOrTheGivenCharacters() {
        assertThat(PythonStrings.strip("\u00a0 hi\u3000\u001f", null, true, true)).isEqualTo("hi");
        assertThat(PythonStrings.strip("xxhiyx", "xy", true, true)).isEqualTo("hi");
        assertThat(PythonStrings.strip("\n\nhi\n", "\n", true, false)).isEqualTo("hi\n");
    }

    @Test
    void titleCapitalisesAfterEveryNonLetter() {
        assertThat(PythonStrings.title("hello world")).isEqualTo("Hello World");
        assertThat(PythonStrings.title("they're bill's")).isEqualTo("They'Re Bill'S");
        assertThat(PythonStrings.title("3rd ASSISTANT")).isEqualTo("3Rd Assistant");
    }

    @Test
    void replaceCountAndEmptyPattern() {
        assertThat(PythonStrings.replace("aaa", "a", "b", 2)).isEqualTo("bba");
        assertThat(PythonStrings.replace("abc", "", "-", -1)).isEqualTo("-a-b-c-");
        assertThat(PythonStrings.replace("abc", "", "-", 2)).isEqualTo("-a-bc");
    }

    @Test
    void countSplitlinesJoin() {
        assertThat(PythonStrings.count("ababa", "aba")).isEqualTo(1);
        assertThat(PythonStrings.splitlines("a\nb\r\nc\n")).containsExactly("a", "b", "c");
        assertThat(PythonStrings.join(", ", List.of("x", 1))).isEqualTo("x, 1");
    }
}
