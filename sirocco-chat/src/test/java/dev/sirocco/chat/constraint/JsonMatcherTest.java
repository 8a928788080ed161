package dev.sirocco.chat.constraint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.engine.runtime.constraint.ByteMatcher;
import dev.sirocco.engine.runtime.constraint.OutputConstraint;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JSON automaton byte by byte: what each keyword accepts and rejects, and that closing costs are exact. */
class JsonMatcherTest {

    /** Whether {@code text} is a complete output (every byte accepted, nothing left to close). */
    static boolean complete(OutputConstraint c, String text) {
        ByteMatcher m = c.start();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (!m.accept(b & 0xFF)) {
                return false;
            }
        }
        return m.closingCost() == 0;
    }

    /** Whether every byte of {@code text} is accepted (a valid prefix, complete or not). */
    static boolean prefix(OutputConstraint c, String text) {
        ByteMatcher m = c.start();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (!m.accept(b & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    static OutputConstraint schema(String json) {
        return JsonConstraints.jsonSchema(SchemaValidator.schema(json), "");
    }

    @Test
    void jsonObjectAcceptsAnyCompactObjectAndNothingElse() {
        OutputConstraint c = JsonConstraints.jsonObject();
        assertThat(complete(c, "{}")).isTrue();
        assertThat(complete(c, "{\"a\":1,\"b\":[true,null,\"x\",{}],\"c\":{\"d\":-1.5,\"e\":[]},\"a\":\"\"}")).isTrue();
        assertThat(prefix(c, "[")).isFalse();
        assertThat(prefix(c, "{\"a\" :1}")).as("no whitespace before a colon").isFalse();
        assertThat(prefix(c, "{\"a\":01")).as("no leading zero").isFalse();
        assertThat(prefix(c, "{\"a\":1,}")).as("no trailing comma").isFalse();
        assertThat(prefix(c, "{\"a\":1}x")).as("nothing after the value").isFalse();
        assertThat(complete(c, "{\"a\":1")).isFalse();
        assertThat(complete(c, "{\"a\":tru")).isFalse();
    }

    @Test
    void oneSpaceMayComeAfterAColonOrACommaAsJsonDumpsWritesIt() {
        OutputConstraint c = JsonConstraints.jsonObject();
        assertThat(complete(c, "{\"name\": \"x\", \"arguments\": {\"city\": \"Oslo\", \"n\": [1, 2.5, true], \"m\": {}}}")).isTrue();
        assertThat(prefix(c, "{\"a\":  1")).as("one space, not two").isFalse();
        assertThat(prefix(c, "{\"a\":1,  \"b\"")).isFalse();
        assertThat(prefix(c, " {")).as("not before the root").isFalse();
        assertThat(prefix(c, "{ \"a\"")).as("not after the opening brace").isFalse();
        OutputConstraint s = schema("{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"},"
                + " \"unit\": {\"enum\": [\"c\", \"f\"]}}, \"required\": [\"city\", \"unit\"], \"additionalProperties\": false}");
        assertThat(complete(s, "{\"city\": \"Oslo\", \"unit\": \"c\"}")).isTrue();
        assertThat(complete(s, "{\"city\":\"Oslo\",\"unit\":\"c\"}")).isTrue();
        // a space is optional: it never adds to what is left to close
        ByteMatcher compact = s.start();
        ByteMatcher spaced = s.start();
        for (byte b : "{\"city\":".getBytes(StandardCharsets.UTF_8)) {
            compact.accept(b);
            spaced.accept(b);
        }
        assertThat(spaced.accept(' ')).isTrue();
        assertThat(spaced.closingCost()).isEqualTo(compact.closingCost());
    }

    @Test
    void objectsTakeDeclaredPropertiesInOrderWithRequiredOnes() {
        OutputConstraint c = schema("""
                {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"ok":{"type":"boolean"}},
                 "required":["name","ok"],"additionalProperties":false}""");
        assertThat(complete(c, "{\"name\":\"x\",\"age\":3,\"ok\":true}")).isTrue();
        assertThat(complete(c, "{\"name\":\"x\",\"ok\":false}")).isTrue();
        assertThat(prefix(c, "{\"ok\":true")).as("schema order").isFalse();
        assertThat(prefix(c, "{\"name\":\"x\"}")).as("ok is required").isFalse();
        assertThat(prefix(c, "{\"name\":\"x\",\"other\"")).as("no undeclared property").isFalse();
        assertThat(prefix(c, "{\"name\":3")).as("name is a string").isFalse();
        assertThat(prefix(c, "{}")).isFalse();
    }

    @Test
    void requiredPropertiesOutsidePropertiesTakeAnyValueUnlessClosed() {
        assertThat(complete(schema("{\"type\":\"object\",\"required\":[\"x\"]}"), "{\"x\":[1]}")).isTrue();
        assertThatThrownBy(() -> schema("{\"type\":\"object\",\"required\":[\"x\"],\"additionalProperties\":false}"))
                .isInstanceOf(SchemaException.class).hasMessageContaining("required");
        OutputConstraint map = schema("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}}");
        assertThat(complete(map, "{\"a\":1,\"b\":2}")).isTrue();
        assertThat(prefix(map, "{\"a\":\"s\"")).isFalse();
        assertThat(complete(schema("{\"type\":\"object\",\"additionalProperties\":false}"), "{}")).isTrue();
        assertThat(prefix(schema("{\"type\":\"object\",\"additionalProperties\":false}"), "{\"")).isFalse();
    }

    @Test
    void enumAndConstAcceptOnlyTheirEncodings() {
        OutputConstraint c = schema("{\"enum\":[\"red\",\"green\",1,10,null,{\"a\":[1]}]}");
        for (String ok : List.of("\"red\"", "\"green\"", "1", "10", "null", "{\"a\":[1]}")) {
            assertThat(complete(c, ok)).as(ok).isTrue();
        }
        assertThat(prefix(c, "\"blue\"")).isFalse();
        assertThat(prefix(c, "100")).isFalse();
        assertThat(complete(schema("{\"const\":\"x\"}"), "\"x\"")).isTrue();
        assertThat(prefix(schema("{\"const\":\"x\"}"), "\"y")).isFalse();
        OutputConstraint typed = schema("{\"type\":\"string\",\"enum\":[\"a\",2]}");
        assertThat(complete(typed, "\"a\"")).isTrue();
        assertThat(prefix(typed, "2")).as("enum values of another type are dropped").isFalse();
    }

    @Test
    void stringsTakeEscapesAndUnicodeAndCountLengthInCharacters() {
        OutputConstraint any = schema("{\"type\":\"string\"}");
        assertThat(complete(any, "\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\"")).as("\\uD83D alone is a surrogate").isFalse();
        assertThat(complete(any, "\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\"")).isTrue();
        assertThat(complete(any, "\"é😀中\"")).isTrue();
        assertThat(prefix(any, "\"\\x")).isFalse();
        assertThat(prefix(any, "\"\n")).as("raw control characters").isFalse();
        assertThat(prefix(any, "\"\\u12g")).isFalse();
        ByteMatcher m = any.start();
        m.accept('"');
        assertThat(m.accept(0xC0)).as("overlong lead byte").isFalse();
        m = any.start();
        m.accept('"');
        m.accept(0xE2);
        assertThat(m.accept('a')).as("a continuation byte must follow").isFalse();

        OutputConstraint bounded = schema("{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}");
        assertThat(complete(bounded, "\"ab\"")).isTrue();
        assertThat(complete(bounded, "\"é😀中\"")).as("three characters, eight bytes").isTrue();
        assertThat(SchemaValidator.errors(SchemaValidator.schema("{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}"), "\"é😀中\""))
                .as("the validator counts characters the same way").isEmpty();
        assertThat(complete(bounded, "\"\\n\\u0041\"")).as("escapes are one character each").isTrue();
        assertThat(prefix(bounded, "\"a\"")).isFalse();
        assertThat(prefix(bounded, "\"abcd")).isFalse();
    }

    @Test
    void integersKeepTheirBoundsDigitByDigit() {
        OutputConstraint c = schema("{\"type\":\"integer\",\"minimum\":10,\"maximum\":20}");
        assertThat(complete(c, "15")).isTrue();
        assertThat(complete(c, "20")).isTrue();
        assertThat(complete(c, "1")).as("1 needs a second digit").isFalse();
        assertThat(prefix(c, "9")).as("no completion of 9 lies in 10..20").isFalse();
        assertThat(prefix(c, "21")).isFalse();
        assertThat(prefix(c, "-")).isFalse();
        assertThat(prefix(c, "15.")).as("integers have no fraction").isFalse();

        OutputConstraint exclusive = schema("{\"type\":\"integer\",\"exclusiveMinimum\":-3,\"exclusiveMaximum\":3}");
        assertThat(complete(exclusive, "-2")).isTrue();
        assertThat(prefix(exclusive, "-3")).isFalse();
        assertThat(prefix(exclusive, "3")).isFalse();
        assertThat(prefix(exclusive, "-0")).as("-0 is not written for an integer").isFalse();
        OutputConstraint draft4 = schema("{\"type\":\"integer\",\"minimum\":0,\"exclusiveMinimum\":true}");
        assertThat(prefix(draft4, "0")).isFalse();
        assertThat(complete(draft4, "7")).isTrue();
    }

    @Test
    void numbersKeepTheirBoundsThroughTheFraction() {
        OutputConstraint c = schema("{\"type\":\"number\",\"minimum\":0.5,\"exclusiveMaximum\":0.75}");
        assertThat(complete(c, "0.5")).isTrue();
        assertThat(complete(c, "0.749999")).isTrue();
        assertThat(prefix(c, "0.75")).isFalse();
        assertThat(prefix(c, "0.4")).isFalse();
        assertThat(prefix(c, "1")).isFalse();
        assertThat(complete(c, "0")).isFalse();
        OutputConstraint any = schema("{\"type\":\"number\"}");
        assertThat(complete(any, "-12.25")).isTrue();
        assertThat(complete(any, "-0")).isTrue();
        assertThat(prefix(any, "1.2.")).isFalse();
        assertThat(complete(any, "1.")).isFalse();
        assertThat(prefix(any, "1e5")).as("no exponents: plain decimals only").isFalse();
    }

    @Test
    void arraysCountTheirItems() {
        OutputConstraint c = schema("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":2,\"maxItems\":3}");
        assertThat(complete(c, "[1,2]")).isTrue();
        assertThat(complete(c, "[1,2,3]")).isTrue();
        assertThat(prefix(c, "[1]")).isFalse();
        assertThat(prefix(c, "[1,2,3,")).isFalse();
        assertThat(prefix(c, "[]")).isFalse();
        assertThat(complete(schema("{\"type\":\"array\"}"), "[]")).isTrue();
    }

    @Test
    void typeListsAnyOfAndRefsBranchOnTheBytes() {
        OutputConstraint nullable = schema("{\"type\":[\"string\",\"null\"],\"maxLength\":1}");
        assertThat(complete(nullable, "null")).isTrue();
        assertThat(complete(nullable, "\"a\"")).isTrue();
        assertThat(prefix(nullable, "\"ab")).isFalse();
        OutputConstraint either = schema("""
                {"anyOf":[{"type":"object","properties":{"kind":{"const":"a"},"x":{"type":"integer"}},"required":["kind","x"]},
                          {"type":"object","properties":{"kind":{"const":"b"},"y":{"type":"string"}},"required":["kind","y"]}]}""");
        assertThat(complete(either, "{\"kind\":\"a\",\"x\":1}")).isTrue();
        assertThat(complete(either, "{\"kind\":\"b\",\"y\":\"s\"}")).isTrue();
        assertThat(prefix(either, "{\"kind\":\"a\",\"y\"")).isFalse();
        OutputConstraint tree = schema("""
                {"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/$defs/node"}}},
                 "required":["v"],"additionalProperties":false}},"$ref":"#/$defs/node"}""");
        assertThat(complete(tree, "{\"v\":1,\"kids\":[{\"v\":2},{\"v\":3,\"kids\":[]}]}")).isTrue();
        assertThat(prefix(tree, "{\"v\":1,\"kids\":[{\"w\"")).isFalse();
    }

    @Test
    void toolCallsWrapANamedArgumentsObjectInLiterals() {
        OutputConstraint c = JsonConstraints.toolCall("<tool_call>\n", List.of(
                new JsonConstraints.Tool("get_weather", SchemaValidator.schema("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}")),
                new JsonConstraints.Tool("get_time", null)), "\n</tool_call>");
        assertThat(complete(c, "<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}\n</tool_call>")).isTrue();
        assertThat(complete(c, "<tool_call>\n{\"name\":\"get_time\",\"arguments\":{}}\n</tool_call>")).isTrue();
        assertThat(prefix(c, "<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{}")).isFalse();
        assertThat(prefix(c, "<tool_call>\n{\"name\":\"other\"")).isFalse();
        assertThat(complete(c, "<tool_call>\n{\"name\":\"get_time\",\"arguments\":{}}")).as("the suffix is part of it").isFalse();
    }

    @Test
    void unsupportedKeywordsAndBadSchemasNameTheirPath() {
        assertThatThrownBy(() -> JsonConstraints.jsonSchema(SchemaValidator.schema(
                "{\"properties\":{\"x\":{\"type\":\"strin\"}}}"), "response_format.json_schema.schema"))
                .isInstanceOf(SchemaException.class)
                .extracting(e -> ((SchemaException) e).path()).isEqualTo("response_format.json_schema.schema.properties.x.type");
        assertThatThrownBy(() -> schema("{\"properties\":{\"x\":{\"type\":\"string\",\"pattern\":\"a+\"}}}"))
                .extracting(e -> ((SchemaException) e).path()).isEqualTo("properties.x.pattern");
        assertThatThrownBy(() -> schema("{\"type\":\"array\",\"minItems\":3,\"maxItems\":2}"))
                .extracting(e -> ((SchemaException) e).path()).isEqualTo("minItems");
        assertThatThrownBy(() -> schema("{\"type\":\"integer\",\"minimum\":5,\"maximum\":4}"))
                .extracting(e -> ((SchemaException) e).path()).isEqualTo("minimum");
        assertThatThrownBy(() -> schema("{\"$ref\":\"#/$defs/missing\"}"))
                .extracting(e -> ((SchemaException) e).path()).isEqualTo("$ref");
        assertThatThrownBy(() -> schema("{\"$defs\":{\"a\":{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/a\"}},\"required\":[\"a\"]}},\"$ref\":\"#/$defs/a\"}"))
                .as("a required recursion has no finite value").hasMessageContaining("no finite JSON value");
    }

    static final List<String> SCHEMAS = List.of(
            "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":12},\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":150},"
                    + "\"email\":{\"type\":[\"string\",\"null\"]},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":4},\"maxItems\":3}},"
                    + "\"required\":[\"name\",\"age\",\"tags\"],\"additionalProperties\":false}",
            "{\"type\":\"object\",\"properties\":{\"score\":{\"type\":\"number\",\"exclusiveMinimum\":-1,\"maximum\":1},\"level\":{\"enum\":[\"low\",\"mid\",\"high\"]},"
                    + "\"ok\":{\"type\":\"boolean\"},\"nested\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":105}},\"required\":[\"n\"]}},"
                    + "\"required\":[\"score\",\"level\",\"nested\"]}",
            "{\"type\":\"array\",\"items\":{\"anyOf\":[{\"type\":\"integer\",\"minimum\":-5,\"maximum\":5},{\"type\":\"string\",\"minLength\":2,\"maxLength\":3},{\"const\":{\"k\":true}}]},"
                    + "\"minItems\":1,\"maxItems\":4}",
            "{\"type\":\"object\",\"properties\":{\"kind\":{\"const\":\"point\"},\"xy\":{\"type\":\"array\",\"items\":{\"type\":\"number\",\"minimum\":0.25,\"maximum\":2.5},"
                    + "\"minItems\":2,\"maxItems\":2},\"note\":{\"type\":\"string\",\"minLength\":3}},\"required\":[\"kind\",\"xy\",\"note\"]}",
            "{}",
            "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"array\",\"items\":{\"type\":\"null\"}}}");

    /**
     * Random walks: from every schema's start, take random accepted bytes (any of the 256) for a while, then close by
     * bytes that lower the closing cost by one each. The closing must take exactly the announced cost, and the text
     * must parse and validate.
     */
    @Test
    void randomWalksCloseInExactlyTheAnnouncedCostAndValidate() {
        SplittableRandom random = new SplittableRandom(7);
        for (String json : SCHEMAS) {
            JsonNode schema = SchemaValidator.schema(json);
            OutputConstraint c = JsonConstraints.jsonSchema(schema, "");
            for (int walk = 0; walk < 40; walk++) {
                ByteMatcher m = c.start();
                List<Byte> out = new ArrayList<>();
                int steps = random.nextInt(60);
                for (int i = 0; i < steps; i++) {
                    List<Integer> ok = acceptedBytes(m);
                    if (ok.isEmpty()) {
                        break;
                    }
                    int b = ok.get(random.nextInt(ok.size()));
                    assertThat(m.accept(b)).isTrue();
                    out.add((byte) b);
                }
                int cost = m.closingCost();
                assertThat(cost).as("closing cost after %s", text(out)).isLessThan(ByteMatcher.UNREACHABLE);
                for (int k = cost; k > 0; k--) {
                    int chosen = -1;
                    for (int b : acceptedBytes(m)) {
                        ByteMatcher probe = m.copy();
                        probe.accept(b);
                        if (probe.closingCost() == k - 1) {
                            chosen = b;
                            break;
                        }
                    }
                    assertThat(chosen).as("a byte that closes %s one step further (cost %d)", text(out), k).isGreaterThanOrEqualTo(0);
                    m.accept(chosen);
                    out.add((byte) chosen);
                }
                String text = text(out);
                assertThat(m.closingCost()).isZero();
                assertThat(SchemaValidator.errors(schema, text)).as("%s against %s", text, json).isEmpty();
            }
        }
    }

    private static List<Integer> acceptedBytes(ByteMatcher m) {
        List<Integer> ok = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            ByteMatcher probe = m.copy();
            if (probe.accept(b)) {
                ok.add(b);
            }
        }
        return ok;
    }

    private static String text(List<Byte> bytes) {
        byte[] a = new byte[bytes.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = bytes.get(i);
        }
        return new String(a, StandardCharsets.UTF_8);
    }
}
