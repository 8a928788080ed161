package dev.sirocco.models.hub;

import java.util.List;

/**
 * A repository at one revision: the commit it resolved to, whether it is gated, and its files.
 *
 * @param gated "manual" or "auto" when users must accept terms before downloading; null when open
 */
public record HubRepository(String repo, String commit, String gated, List<HubFile> files) {
}
