package dev.sirocco.models.hub;

import dev.sirocco.models.ModelRequestException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model on the Hugging Face hub as {@code pull} takes it: {@code hf:OWNER/REPO[:QUANT|:FILE]}.
 *
 * @param repo     {@code OWNER/REPO}
 * @param selector a quantization ({@code Q4_K_M}) or an exact file name ({@code x-Q8_0.gguf}); null: the default
 * @param revision branch, tag or commit ({@code main} unless given)
 */
public record HubReference(String repo, String selector, String revision) {
    public static final String DEFAULT_QUANTIZATION = "Q4_K_M";
    private static final Pattern FORM = Pattern.compile("(?:hf:|hf\\.co/|huggingface\\.co/)?([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)(?::(.+))?");

    public static HubReference parse(String text, String revision) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new ModelRequestException("cannot read '" + text + "' as a hub model; write hf:OWNER/REPO, hf:OWNER/REPO:Q4_K_M or hf:OWNER/REPO:FILE.gguf");
        }
        String rev = revision == null || revision.isBlank() ? "main" : revision;
        return new HubReference(m.group(1), m.group(2), rev);
    }

    /** Whether the selector names a file rather than a quantization. */
    public boolean selectsFile() {
        return selector != null && selector.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf");
    }

    /** The quantization asked for (the default when none was given), or null if a file was named. */
    public String quantization() {
        return selectsFile() ? null : selector == null ? DEFAULT_QUANTIZATION : selector;
    }

    @Override
    public String toString() {
        return "hf:" + repo + (selector != null ? ":" + selector : "");
    }
}
