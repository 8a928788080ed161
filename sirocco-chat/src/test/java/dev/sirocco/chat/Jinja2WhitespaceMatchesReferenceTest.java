package dev.sirocco.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random templates mixing text, newlines and indentation with block tags, expressions and comments, each with or
 * without "-" modifiers, must render as Jinja2 renders them with transformers' trim_blocks and lstrip_blocks, and as
 * @huggingface/jinja does (seeded, so a failure names a reproducible template).
 */
class Jinja2WhitespaceMatchesReferenceTest {

    private static final String[] TEXT = {"a", "b c", " ", "  ", "\t", "\n", "\n\n", "  \n", "\n  ", "x\n", " y "};

    private static String minus(Random r) {
        return r.nextInt(3) == 0 ? "-" : "";
    }

    private static void text(Random r, StringBuilder out) {
        for (int k = r.nextInt(4); k > 0; k--) out.append(TEXT[r.nextInt(TEXT.length)]);
    }

    private static void body(Random r, StringBuilder out, int depth) {
        for (int parts = 1 + r.nextInt(5); parts > 0; parts--) {
            text(r, out);
            switch (r.nextInt(depth < 3 ? 6 : 4)) {
                case 0 -> out.append("{{").append(minus(r)).append(" 'v' ").append(minus(r)).append("}}");
                case 1 -> out.append("{#").append(minus(r)).append(" note ").append(minus(r)).append("#}");
                case 2 -> out.append("{%").append(minus(r)).append(" set s = 1 ").append(minus(r)).append("%}");
                case 3 -> { } // text only
                case 4 -> {
                    out.append("{%").append(minus(r)).append(" if true ").append(minus(r)).append("%}");
                    body(r, out, depth + 1);
                    out.append("{%").append(minus(r)).append(" endif ").append(minus(r)).append("%}");
                }
                default -> {
                    out.append("{%").append(minus(r)).append(" for i in [1, 2] ").append(minus(r)).append("%}");
                    body(r, out, depth + 1);
                    out.append("{{").append(minus(r)).append(" i ").append(minus(r)).append("}}");
                    out.append("{%").append(minus(r)).append(" endfor ").append(minus(r)).append("%}");
                }
            }
        }
        text(r, out);
    }

    @Test
    void randomTemplatesRenderAsHuggingFaceJinja() throws Exception {
        compareWith("hf-jinja");
    }

    @Test
    void randomTemplatesRenderAsTransformersJinja2() throws Exception {
        ReferenceRenderer.assumeJinja2();
        compareWith("jinja2");
    }

    private static void compareWith(String engine) throws Exception {
        Random random = new Random(20261122L);
        List<String> templates = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder t = new StringBuilder();
            body(random, t, 0);
            templates.add(t.toString());
        }
        ObjectNode noMessages = ReferenceRenderer.JSON.createObjectNode();
        noMessages.putArray("messages");
        noMessages.put("add_generation_prompt", false);
        List<ReferenceRenderer.Job> jobs = new ArrayList<>();
        for (String t : templates) jobs.add(new ReferenceRenderer.Job(engine, null, t, "", "", List.of(noMessages)));
        List<List<ReferenceRenderer.Rendering>> references = ReferenceRenderer.render(jobs);

        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < templates.size(); i++) {
            ReferenceRenderer.Rendering reference = references.get(i).get(0);
            assertThat(reference.error()).as("reference failed on %s", templates.get(i)).isNull();
            String ours = new ChatTemplate("random " + i, templates.get(i), "", "").renderContext(Map.of());
            if (!ours.equals(reference.output())) {
                mismatches.add(show(templates.get(i)) + "\n  expected " + show(reference.output()) + "\n  actual   " + show(ours));
            }
        }
        assertThat(mismatches).isEmpty();
    }

    private static String show(String s) {
        return "\"" + s.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }
}
