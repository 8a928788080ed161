package dev.sirocco.models.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Usable bytes where a download goes; {@code -Dsirocco.disk.usable=BYTES} pretends a smaller disk (tests). */
public final class DiskSpace {
    public static final String USABLE_PROPERTY = "sirocco.disk.usable";

    private DiskSpace() {
    }

    public static long usable(Path dir) throws IOException {
        String override = System.getProperty(USABLE_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Long.parseLong(override.trim());
        }
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return Files.getFileStore(p == null ? dir.toAbsolutePath().getRoot() : p).getUsableSpace();
    }
}
