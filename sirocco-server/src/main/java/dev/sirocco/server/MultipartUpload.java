package dev.sirocco.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.core.RequestContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code multipart/form-data} request body read as a stream (Apache Commons FileUpload's parser): one file part,
 * streamed to disk as it arrives with its size bounded, and small text fields.
 *
 * @param fields   the text fields, by name
 * @param filename the file part's name as the client gave it
 * @param bytes    the file part's size
 */
record MultipartUpload(Map<String, String> fields, String filename, long bytes) {
    private static final int MAX_FIELD_BYTES = 4096;

    /**
     * Reads {@code req}, writing its part named {@code fileField} to {@code target}: 400 for a body that is not
     * multipart, lacks the file or is malformed, 413 for a file over {@code maxFileBytes}.
     */
    static MultipartUpload read(ServerRequest req, String fileField, Path target, long maxFileBytes) throws IOException {
        String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ApiException(400, "invalid_request_error", null, "invalid_content_type",
                    "uploads must be multipart/form-data with a '" + fileField + "' part, got Content-Type '" + contentType + "'");
        }
        Parser parser = new Parser();
        parser.setMaxFileCount(16);
        parser.setMaxPartHeaderSize(8192);
        Map<String, String> fields = new LinkedHashMap<>();
        String filename = null;
        long bytes = -1;
        try (InputStream body = req.content().inputStream()) {
            FileItemInputIterator items = parser.getItemIterator(new Context(contentType, req.headers().contentLength().orElse(-1), body));
            while (items.hasNext()) {
                FileItemInput item = items.next();
                String name = item.getFieldName();
                if (name == null) {
                    throw bad("a multipart part has no name");
                }
                if (item.isFormField()) {
                    try (InputStream in = item.getInputStream()) {
                        byte[] value = in.readNBytes(MAX_FIELD_BYTES + 1);
                        if (value.length > MAX_FIELD_BYTES) {
                            throw ApiException.badField(name, "the form field '" + name + "' is longer than " + MAX_FIELD_BYTES + " bytes");
                        }
                        fields.put(name, new String(value, StandardCharsets.UTF_8));
                    }
                } else if (name.equals(fileField)) {
                    if (bytes >= 0) {
                        throw ApiException.badField(fileField, "give one '" + fileField + "' part, not several");
                    }
                    filename = baseName(item.getName());
                    bytes = copy(item, target, maxFileBytes);
                } else {
                    throw ApiException.unsupported(name, "the part '" + name + "' is not an upload parameter this server knows");
                }
            }
        } catch (FileUploadSizeException e) {
            throw tooLarge(maxFileBytes);
        } catch (FileUploadException e) {
            throw bad("the multipart body could not be read: " + e.getMessage());
        } catch (io.helidon.http.RequestException e) {
            if (e.status().code() == 413) {
                throw tooLarge(maxFileBytes);
            }
            throw bad("the request body could not be read: " + e.getMessage());
        }
        if (bytes < 0) {
            throw ApiException.badField(fileField, "'" + fileField + "' is required: send the file as a multipart part named '" + fileField + "'");
        }
        return new MultipartUpload(fields, filename, bytes);
    }

    /** The client's file name without any folders it carried (only ever shown back, never used as a path). */
    static String baseName(String name) {
        if (name == null) {
            return "upload";
        }
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).replace("\0", "").strip();
        return base.isEmpty() ? "upload" : base.length() > 255 ? base.substring(0, 255) : base;
    }

    private static long copy(FileItemInput item, Path target, long max) throws IOException {
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = item.getInputStream(); OutputStream out = Files.newOutputStream(target)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                n += r;
                if (n > max) {
                    throw tooLarge(max);
                }
                out.write(buf, 0, r);
            }
        }
        return n;
    }

    static ApiException tooLarge(long max) {
        return new ApiException(413, "invalid_request_error", "file", "file_too_large",
                "the file is larger than this server's upload limit of " + max + " bytes (serve --max-upload)");
    }

    private static ApiException bad(String message) {
        return new ApiException(400, "invalid_request_error", null, "invalid_multipart", message);
    }

    /** The request as the parser sees it. */
    private record Context(String contentType, long contentLength, InputStream body) implements RequestContext {
        @Override
        public String getCharacterEncoding() {
            return null; // part headers default to UTF-8 below
        }

        @Override
        public long getContentLength() {
            return contentLength;
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public InputStream getInputStream() {
            return body;
        }

        @Override
        public boolean isMultipartRelated() {
            return false;
        }
    }

    /** The library's parser over our {@link Context}; only its streaming iterator is used. */
    private static final class Parser extends AbstractFileUpload<Context, DiskFileItem, DiskFileItemFactory> {
        Parser() {
            setHeaderCharset(StandardCharsets.UTF_8);
        }

        @Override
        public FileItemInputIterator getItemIterator(Context request) throws FileUploadException, IOException {
            return super.getItemIterator((RequestContext) request);
        }

        @Override
        public Map<String, List<DiskFileItem>> parseParameterMap(Context request) throws FileUploadException {
            return super.parseParameterMap((RequestContext) request);
        }

        @Override
        public List<DiskFileItem> parseRequest(Context request) throws FileUploadException {
            return super.parseRequest((RequestContext) request);
        }
    }
}
