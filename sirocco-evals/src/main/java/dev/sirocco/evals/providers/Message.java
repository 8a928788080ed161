package dev.sirocco.evals.providers;

/** One chat message sent to a provider ({@code role}: system, user, assistant). */
public record Message(String role, String content) {
}
