package dev.sirocco.models.hub;

import dev.sirocco.models.ModelRequestException;

import java.net.URI;
import java.net.http.HttpResponse;

/**
 * Turns the hub's error answers into one sentence each. The hub names the cause in {@code X-Error-Code}
 * ({@code RepoNotFound}, {@code GatedRepo}, {@code RevisionNotFound}, {@code EntryNotFound}); without it the status
 * decides. It answers 401 rather than 404 for a repository it will not show an anonymous caller, so 401 without a
 * token says both possibilities.
 */
final class HubErrors {
    private HubErrors() {
    }

    static ModelRequestException of(HttpResponse<?> r, String body, String repo, String revision, String file,
                                    boolean hasToken, URI endpoint) {
        int s = r.statusCode();
        String code = r.headers().firstValue("X-Error-Code").orElse("");
        String page = endpoint + "/" + repo;
        if (code.equals("GatedRepo") || (s == 403 && body.toLowerCase(java.util.Locale.ROOT).contains("gated"))) {
            return gated(repo, page, hasToken);
        }
        if (code.equals("RevisionNotFound")) {
            return new ModelRequestException("revision '" + revision + "' not found in " + repo + " (HTTP " + s + ")");
        }
        if (code.equals("EntryNotFound") || (s == 404 && file != null && !code.equals("RepoNotFound"))) {
            return new ModelRequestException("file " + file + " not found in " + repo + " at revision " + revision + " (HTTP " + s + ")");
        }
        if (code.equals("RepoNotFound") || s == 404) {
            return new ModelRequestException("repository " + repo + " not found on " + endpoint + " (HTTP " + s
                    + "); check the name" + (hasToken ? "" : ", and set HF_TOKEN if it is private"));
        }
        if (s == 401) {
            return new ModelRequestException(hasToken
                    ? "the hub refused HF_TOKEN for " + repo + " (HTTP 401); check that the token is valid (" + endpoint + "/settings/tokens)"
                    : repo + " needs authentication (HTTP 401): it is private, gated or does not exist; if you have access,"
                    + " set HF_TOKEN to an access token from " + endpoint + "/settings/tokens");
        }
        if (s == 403) {
            return new ModelRequestException("access to " + repo + " is forbidden (HTTP 403)" + (hasToken
                    ? "; the account of HF_TOKEN has no access to it (request it at " + page + ")"
                    : "; set HF_TOKEN to an access token of an account with access"));
        }
        if (s == 429) {
            return new ModelRequestException("the hub is rate-limiting requests (HTTP 429); wait a minute and retry"
                    + (hasToken ? "" : ", or set HF_TOKEN (authenticated requests get higher limits)"));
        }
        return new ModelRequestException("the hub answered HTTP " + s + " for " + repo + (file != null ? "/" + file : "")
                + (body.isBlank() ? "" : ": " + body.strip().lines().findFirst().orElse("")));
    }

    static ModelRequestException gated(String repo, String page, boolean hasToken) {
        return new ModelRequestException(repo + " is a gated model: open " + page + ", log in and accept its conditions, then "
                + (hasToken ? "retry (HF_TOKEN must belong to the account that was granted access)"
                : "set HF_TOKEN to an access token of that account (" + page.substring(0, page.length() - repo.length() - 1)
                + "/settings/tokens)"));
    }
}
