package org.dorametrics.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real local git server over smart HTTP (the JDK's HttpServer in front of JGit's UploadPack, protocol v0, fetch
 * only), the way GitHub or GitLab serve a clone: {@code /<name>.git/info/refs?service=git-upload-pack} advertises the
 * refs, a POST to {@code /<name>.git/git-upload-pack} sends the pack. Every request must carry HTTP basic auth with
 * {@link #USER} and {@link #TOKEN} (401 otherwise, as a host asks for credentials). It records each request and
 * counts the pack bytes it sends, and can be made to fail: answer every request with an error, or cut packs short.
 */
public final class GitHttpServer implements AutoCloseable {
    public static final String USER = "x-access-token";
    public static final String TOKEN = "test-git-token-for-the-local-server-only-5c1e08";

    static {
        // Without it, small responses wait for delayed ACKs (Nagle): 40 ms a request instead of 1.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Path> repositories = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong packBytes = new AtomicLong();
    private volatile int failWithStatus;
    private volatile long cutPacksAfterBytes = -1;

    private GitHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static GitHttpServer start() throws IOException {
        return new GitHttpServer();
    }

    /** Serves the bare repository {@code gitDir} at {@link #url(String) url(name)}. */
    public GitHttpServer serve(String name, Path gitDir) {
        repositories.put("/" + name + ".git", gitDir);
        return this;
    }

    public String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + ".git";
    }

    /** From now on every request is answered with this status (0: serve again). */
    public void failWith(int status) {
        failWithStatus = status;
    }

    /** From now on a pack stops after this many bytes, as when the connection drops mid-clone (-1: whole packs again). */
    public void cutPacksAfter(long bytes) {
        cutPacksAfterBytes = bytes;
    }

    /** Each request as {@code METHOD path?query}, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** The pack bytes sent since the last {@link #resetCounts()}: what a fetch transferred. */
    public long packBytes() {
        return packBytes.get();
    }

    public void resetCounts() {
        requests.clear();
        packBytes.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
            String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (failWithStatus != 0) {
                exchange.sendResponseHeaders(failWithStatus, -1);
                return;
            }
            if (exchange.getRequestMethod().equals("GET") && path.endsWith("/info/refs") && "service=git-upload-pack".equals(query)) {
                advertiseRefs(exchange, repositories.get(path.substring(0, path.length() - "/info/refs".length())));
            } else if (exchange.getRequestMethod().equals("POST") && path.endsWith("/git-upload-pack")) {
                uploadPack(exchange, repositories.get(path.substring(0, path.length() - "/git-upload-pack".length())));
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private static void advertiseRefs(HttpExchange exchange, Path gitDir) throws IOException {
        if (gitDir == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/x-git-upload-pack-advertisement");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (Repository repository = open(gitDir); OutputStream body = exchange.getResponseBody()) {
            PacketLineOut lines = new PacketLineOut(body);
            lines.writeString("# service=git-upload-pack\n");
            lines.end();
            UploadPack upload = new UploadPack(repository);
            upload.setBiDirectionalPipe(false);
            upload.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(lines));
        }
    }

    private void uploadPack(HttpExchange exchange, Path gitDir) throws IOException {
        if (gitDir == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/x-git-upload-pack-result");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        InputStream request = exchange.getRequestBody();
        if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            request = new GZIPInputStream(request);
        }
        try (Repository repository = open(gitDir); OutputStream body = new CountingOutputStream(exchange.getResponseBody())) {
            UploadPack upload = new UploadPack(repository);
            upload.setBiDirectionalPipe(false);
            upload.upload(request, body, null);
        }
    }

    private static Repository open(Path gitDir) throws IOException {
        // Opened per request, so that commits a test adds between fetches are served.
        return new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
    }

    /** Counts the pack bytes sent, and breaks the connection at the cut, if one is set. */
    private final class CountingOutputStream extends FilterOutputStream {
        private long written;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            long cut = cutPacksAfterBytes;
            if (cut >= 0 && written + length > cut) {
                int allowed = (int) Math.max(0, cut - written);
                out.write(bytes, offset, allowed);
                out.flush();
                packBytes.addAndGet(allowed);
                throw new IOException("connection cut by the test after " + cut + " bytes");
            }
            out.write(bytes, offset, length);
            written += length;
            packBytes.addAndGet(length);
        }
    }
}
