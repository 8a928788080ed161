package dev.sirocco.chat;

/** A chat template failed to parse or render; the message names the template and what failed. */
public final class ChatTemplateException extends RuntimeException {

    private final String templateName;

    public ChatTemplateException(String templateName, String message, Throwable cause) {
        super("chat template " + templateName + ": " + message, cause);
        this.templateName = templateName;
    }

    /** A short name for the template that failed (its first line or origin), for logs. */
    public String templateName() {
        return templateName;
    }
}
