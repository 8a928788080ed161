package dev.sirocco.models.hub;

/** Told how far a download is (from the downloading thread). */
public interface DownloadProgress {
    /** {@code done} of {@code total} bytes are on disk ({@code total} -1 if unknown); {@code resumedFrom} were there before. */
    void update(long done, long total, long resumedFrom);

    /** The download ended (successfully or not). */
    void finished();

    DownloadProgress NONE = new DownloadProgress() {
        @Override
        public void update(long done, long total, long resumedFrom) {
        }

        @Override
        public void finished() {
        }
    };
}
