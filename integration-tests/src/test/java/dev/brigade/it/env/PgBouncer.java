package dev.brigade.it.env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * PgBouncer from Debian's package in front of the test PostgreSQL, in transaction mode: the
 * local stand-in for RDS Proxy. It listens on a free loopback port; its configuration goes under
 * target/it-work and its log (stderr) under target/it-logs. PgBouncer refuses to run as root, so
 * as root it is started with {@code -u} (postgres, else nobody); it reads its files before it
 * drops privileges and logs to stderr, which this JVM writes, so no folder needs opening up.
 */
public final class PgBouncer implements AutoCloseable {
    private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/pgbouncer"), Path.of("/usr/bin/pgbouncer"));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final List<String> command;
    private final int port;
    private final String user;
    private final Path log;
    /** The running PgBouncer; a new one after {@link #startAgain()}. */
    private volatile Process process;

    private PgBouncer(List<String> command, int port, String user, Path log) {
        this.command = List.copyOf(command);
        this.port = port;
        this.user = user;
        this.log = log;
    }

    /** Starts PgBouncer in front of the server {@code serverUrl} (postgresql://user[:pass]@host:port/db). */
    public static PgBouncer start(String serverUrl, Path workDir, Path logFile) {
        Path binary = binary();
        URI server = URI.create(serverUrl);
        String[] userInfo = Optional.ofNullable(server.getUserInfo()).orElse("postgres").split(":", 2);
        String user = userInfo[0];
        String password = userInfo.length > 1 ? userInfo[1] : null;
        int port = FreePorts.next();
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(logFile.getParent());
            Path users = workDir.resolve("userlist.txt");
            Files.writeString(users, quoted(user) + " \"\"\n");
            Path ini = workDir.resolve("pgbouncer.ini");
            Files.writeString(ini, config(server, user, password, port, users));
            List<String> command = new java.util.ArrayList<>(List.of(binary.toString()));
            unprivilegedUser().ifPresent(u -> command.addAll(List.of("-u", u)));
            command.add(ini.toString());
            Files.deleteIfExists(logFile);
            PgBouncer bouncer = new PgBouncer(command, port, user, logFile);
            bouncer.launch();
            return bouncer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PgBouncer", e);
        }
    }

    /** Starts the process (again: same configuration, same port, the log appended) and waits until it listens. */
    private void launch() {
        try {
            process = StartedProcesses.track(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PgBouncer", e);
        }
        awaitServing();
    }

    /** kill -9: PgBouncer crashes; every client and server connection through it drops at once. */
    public void crash() {
        stopWith("KILL");
    }

    /**
     * SIGINT, PgBouncer's safe shutdown (as an operator's restart sends): it waits for the
     * transactions in flight to end, then closes every connection and exits.
     */
    public void shutDownSafely() {
        stopWith("INT");
    }

    /** Starts PgBouncer again after {@link #crash()} or {@link #shutDownSafely()}, on the same port. */
    public void startAgain() {
        if (process.isAlive()) {
            throw new IllegalStateException("PgBouncer still runs");
        }
        launch();
    }

    private void stopWith(String signal) {
        signal(signal);
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("PgBouncer did not exit within 30 s of SIG" + signal + "; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The URL of database {@code name} through this PgBouncer, in the operator's form. */
    public String url(String database) {
        return "postgresql://" + user + "@127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    /** SIGSTOP: every connection through it hangs without an error, like a partitioned network. */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT: it serves again. */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            if (new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            signal("CONT"); // a frozen process would not act on SIGTERM
        }
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Path binary() {
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isBlank()).map(dir -> Path.of(dir, "pgbouncer"));
        return firstExecutable(Stream.concat(onPath, BINARIES.stream()).toList());
    }

    /** The first executable candidate; a missing PgBouncer fails the test (never skips it). */
    static Path firstExecutable(List<Path> candidates) {
        return candidates.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("pgbouncer is not installed (looked for " + candidates
                        + "): the PgBouncer scenarios need it; install it with apt-get install -y pgbouncer"));
    }

    private static String config(URI server, String user, String password, int port, Path users) {
        String host = server.getHost() == null || server.getHost().equals("localhost") ? "127.0.0.1" : server.getHost();
        int serverPort = server.getPort() > 0 ? server.getPort() : 5432;
        String backend = "host=" + host + " port=" + serverPort + " user=" + user
                + (password == null ? "" : " password=" + password);
        return """
                [databases]
                * = %s

                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = %d
                unix_socket_dir =
                auth_type = trust
                auth_file = %s
                pool_mode = transaction
                ignore_startup_parameters = extra_float_digits
                max_client_conn = 5000
                default_pool_size = 40
                reserve_pool_size = 0
                server_login_retry = 1
                log_connections = 0
                log_disconnections = 0
                """.formatted(backend, port, users);
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    /** PgBouncer will not run as root: name a user to switch to when we are root. */
    private static Optional<String> unprivilegedUser() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.empty();
        }
        try (Stream<String> passwd = Files.lines(Path.of("/etc/passwd"))) {
            return Optional.of(passwd.anyMatch(line -> line.startsWith("postgres:")) ? "postgres" : "nobody");
        } catch (IOException e) {
            return Optional.of("nobody");
        }
    }

    private void awaitServing() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("PgBouncer exited with code " + process.exitValue()
                        + " at start; see " + log + ":\n" + tail());
            }
            if (listening()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("PgBouncer did not listen on port " + port + " within "
                        + START_TIMEOUT + "; see " + log + ":\n" + tail());
            }
            Await.sleep(Duration.ofMillis(50));
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs one query through PgBouncer (proves it reaches the server); throws when it cannot. */
    public void check(String database) {
        String jdbc = "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + user + "&prepareThreshold=0";
        try (Connection connection = DriverManager.getConnection(jdbc)) {
            connection.createStatement().execute("SELECT 1");
        } catch (SQLException e) {
            throw new IllegalStateException("PgBouncer on port " + port + " does not reach database " + database
                    + ": " + e.getMessage() + "; see " + log + ":\n" + tail());
        }
    }

    private String tail() {
        return LogFiles.tail(log, 20);
    }
}
