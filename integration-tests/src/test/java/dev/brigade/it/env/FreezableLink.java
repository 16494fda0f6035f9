package dev.brigade.it.env;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder between a program and PostgreSQL that can be frozen: the network partition of
 * the direct connection mode, where there is no PgBouncer to SIGSTOP. It listens on a free
 * loopback port and copies bytes both ways unchanged (so every session is a direct one, LISTEN
 * included). {@link #freeze()} stops forwarding and accepting without closing anything: every
 * connection hangs without an error, as through a frozen PgBouncer; {@link #thaw()} resumes.
 */
public final class FreezableLink implements AutoCloseable {
    private static final int CHUNK = 16 * 1024;

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean frozen;
    private volatile boolean closed;

    private FreezableLink(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** A link to the server of {@code url} (postgresql://user@host:port/db); serving at once. */
    public static FreezableLink to(String url) {
        URI server = URI.create(url);
        try {
            FreezableLink link = new FreezableLink(server.getHost(), server.getPort() > 0 ? server.getPort() : 5432);
            Thread.ofPlatform().daemon().name("link-accept-" + link.port()).start(link::acceptLoop);
            return link;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a link to " + server.getHost(), e);
        }
    }

    /** {@code url} with its host and port replaced by this link's: the same database, through the link. */
    public String url(String url) {
        URI server = URI.create(url);
        try {
            return new URI(server.getScheme(), server.getRawUserInfo(), "127.0.0.1", port(), server.getRawPath(),
                    server.getRawQuery(), null).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a database URL: " + url, e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Stops forwarding (both ways, every connection) and accepting; nothing is closed. */
    public void freeze() {
        synchronized (gate) {
            frozen = true;
        }
    }

    /** Forwards again, what was held back first. */
    public void thaw() {
        synchronized (gate) {
            frozen = false;
            gate.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        thaw(); // threads held at the gate see the link closed and end
        closeQuietly(listener);
        sockets.forEach(FreezableLink::closeQuietly);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                awaitThawed(); // a new connection hangs while frozen, as the kernel accepts it anyway
                Socket server = new Socket(targetHost, targetPort);
                sockets.add(server);
                pump(client, server, "up");
                pump(server, client, "down");
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("[freezable-link] cannot forward a connection: " + e);
                }
            }
        }
    }

    /** Copies {@code from} to {@code to} on a thread of its own; a chunk read while frozen waits at the gate. */
    private void pump(Socket from, Socket to, String direction) {
        Thread.ofPlatform().daemon().name("link-" + port() + "-" + direction).start(() -> {
            byte[] buffer = new byte[CHUNK];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    awaitThawed();
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: the other is closed below, as a direct connection would end
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    private void awaitThawed() throws IOException {
        synchronized (gate) {
            while (frozen && !closed) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while frozen", e);
                }
            }
        }
        if (closed) {
            throw new IOException("link closed");
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing what may be closed already
        }
    }
}
