package dev.sirocco.models.hub;

/**
 * One file of a hub repository, as its {@code siblings} list reports it.
 *
 * @param name   path in the repository ({@code rfilename})
 * @param size   bytes ({@code lfs.size} or {@code size}); -1 when not reported
 * @param sha256 lower-case hex of the LFS object ({@code lfs.sha256}); null for files not in LFS
 */
public record HubFile(String name, long size, String sha256) {
}
