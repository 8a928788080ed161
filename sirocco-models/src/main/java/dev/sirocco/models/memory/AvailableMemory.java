package dev.sirocco.models.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this machine and JVM can give a model: the system's {@code MemAvailable} (/proc/meminfo: free memory plus
 * reclaimable cache, the kernel's own estimate of what can be allocated without swapping) and the heap this JVM may
 * still grow into. {@code -Dsirocco.memory.available=BYTES} and {@code -Dsirocco.memory.heap=BYTES} override them
 * (tests; or to tell Sirocco about memory it cannot see). -1: unknown (no /proc, e.g. macOS), so not checked.
 */
public record AvailableMemory(long systemBytes, long heapBytes) {
    public static final String SYSTEM_PROPERTY = "sirocco.memory.available";
    public static final String HEAP_PROPERTY = "sirocco.memory.heap";

    public static AvailableMemory measure() {
        long system = property(SYSTEM_PROPERTY);
        if (system < 0) {
            system = memAvailable(Path.of("/proc/meminfo"));
        }
        long heap = property(HEAP_PROPERTY);
        if (heap < 0) {
            Runtime rt = Runtime.getRuntime();
            heap = rt.maxMemory() == Long.MAX_VALUE ? -1 : rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        }
        return new AvailableMemory(system, heap);
    }

    /** The MemAvailable line of a meminfo file, in bytes; -1 if absent or unreadable. */
    static long memAvailable(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.substring("MemAvailable:".length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long property(String name) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? -1 : Long.parseLong(v.trim());
    }
}
