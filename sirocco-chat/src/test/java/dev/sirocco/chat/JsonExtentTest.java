package dev.sirocco.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a JSON object or array ends inside longer text, or that it has not ended yet, or cannot be JSON. */
class JsonExtentTest {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`{}`                                  | `rest`",
            "`  [1, {\"a\": [true, null]}]`        | ` tail`",
            "`{\"s\": \"}]\\\"{\"}`                | ` x}`",
            "`{\"a\": -1.5e+3}`                    | `]`",
    })
    void aCompleteValueEndsAtItsClosingBracket(String json, String tail) {
        assertThat(JsonExtent.scan(json + tail, 0)).isEqualTo(json.length());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`{\"a\": [1, 2}`                       | -2",
            "`{\"a\": x}`                           | -2",
            "`<tool_call>`                          | -2",
            "`\"a string\"`                         | -2",
            "`{\"a\": \"unterminated`               | -1",
            "`[[[`                                  | -1",
            "`   `                                  | -1",
    })
    void anUnfinishedValueOrOneThatCannotBeJsonSaysSo(String text, int expected) {
        assertThat(JsonExtent.scan(text, 0)).isEqualTo(expected == -1 ? JsonExtent.INCOMPLETE : JsonExtent.INVALID);
    }
}
