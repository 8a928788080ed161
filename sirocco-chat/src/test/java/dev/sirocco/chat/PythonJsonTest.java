package dev.sirocco.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Expected strings are what CPython 3's json.dumps prints for the same values (transformers' tojson). */
class PythonJsonTest {

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void oneLineUsesCommaSpaceAndColonSpaceAndKeepsNonAscii() {
        // json.dumps({"a": 1, "b": [1, 2.5, 'é"']}, ensure_ascii=False)
        assertThat(PythonJson.dumps(map("a", 1, "b", List.of(1, 2.5, "é\""))))
                .isEqualTo("{\"a\": 1, \"b\": [1, 2.5, \"é\\\"\"]}");
    }

    @Test
    void indentPutsEachItemOnItsLineWithoutTrailingSpaces() {
        // json.dumps({"a": [1, {}], "b": []}, indent=2)
        assertThat(PythonJson.dumps(map("a", List.of(1, Map.of()), "b", List.of()), 2, null, false))
                .isEqualTo("{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}");
    }

    @Test
    void separatorsAndSortKeysAreHonoured() {
        // json.dumps({"b": [1, 2], "a": None}, separators=(",", ":"), sort_keys=True)
        assertThat(PythonJson.dumps(map("b", List.of(1, 2), "a", null), null, List.of(",", ":"), true))
                .isEqualTo("{\"a\":null,\"b\":[1,2]}");
    }

    @Test
    void onlyQuoteBackslashAndControlCharactersAreEscaped() {
        // json.dumps('\x01\x1f\x7f\u2028😀\n\t', ensure_ascii=False)
        assertThat(PythonJson.dumps("\u0001\u001f\u007f\u2028😀\n\t"))
                .isEqualTo("\"\\u0001\\u001f\u007f\u2028😀\\n\\t\"");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "1e20, 1e+20", "1e16, 1e+16", "1e15, 1000000000000000.0", "0.0001, 0.0001", "0.00001, 1e-05",
            "1.5e-7, 1.5e-07", "123456789.123, 123456789.123", "-0.0, -0.0", "3.0, 3.0",
            "0.30000000000000004, 0.30000000000000004", "1.2345678901234567e300, 1.2345678901234567e+300",
            "-2.5e-300, -2.5e-300", "7.5, 7.5"})
    void floatsPrintAsPythonRepr(double value, String python) {
        assertThat(PythonJson.pythonFloat(value)).isEqualTo(python);
    }
}
