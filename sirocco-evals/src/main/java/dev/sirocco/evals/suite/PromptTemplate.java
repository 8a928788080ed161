package dev.sirocco.evals.suite;

/**
 * One prompt of a suite before its variables are filled in: plain text, or a JSON array of chat
 * messages once rendered.
 *
 * @param label how reports name it (the suite's {@code label}, else its file, else its first characters)
 * @param template Nunjucks-style text rendered with each test's vars
 */
public record PromptTemplate(String label, String template) {
}
