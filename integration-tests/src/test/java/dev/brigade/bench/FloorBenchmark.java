package dev.brigade.bench;

import dev.brigade.it.env.BrigadeEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The floor: this PostgreSQL's raw rate for a minimal claim-and-complete cycle (a SKIP LOCKED
 * claim in one transaction, the completion in another), by pgbench with 8 clients. Every
 * throughput of the harness is also read as a fraction of this.
 */
class FloorBenchmark {
    private static final Duration WAIT = Duration.ofMinutes(2);

    @RegisterExtension
    static final BrigadeEnvironment ENV = new BrigadeEnvironment();

    private static final String SCRIPT = """
            BEGIN;
            WITH c AS (SELECT id FROM bench_floor WHERE NOT claimed ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) UPDATE bench_floor f SET claimed = true FROM c WHERE f.id = c.id RETURNING f.id AS id \\gset
            COMMIT;
            UPDATE bench_floor SET done = true WHERE id = :id;
            """;

    @Test
    void floor() throws Exception {
        var pool = ENV.pool();
        pool.query("CREATE TABLE bench_floor (id bigint PRIMARY KEY, claimed boolean NOT NULL DEFAULT false, done boolean NOT NULL DEFAULT false)")
                .execute().await().atMost(WAIT);
        pool.query("INSERT INTO bench_floor (id) SELECT g FROM generate_series(1, 2000000) g").execute().await().atMost(WAIT);
        // as Brigade's claimable index: the claim walks only unclaimed rows, whatever was done before
        pool.query("CREATE INDEX bench_floor_claimable ON bench_floor (id) WHERE NOT claimed").execute().await().atMost(WAIT);
        pool.query("VACUUM ANALYZE bench_floor").execute().await().atMost(WAIT);
        Path script = Files.createTempFile("claim-complete", ".sql");
        Files.writeString(script, SCRIPT);
        URI url = URI.create(ENV.dbUrl(dev.brigade.it.env.ConnectionMode.DIRECT));
        List<Double> tps = new ArrayList<>();
        for (int run = 0; run < Integer.getInteger("bench.runs", 3); run++) {
            List<String> command = List.of(pgbench(), "-n", "-c", "8", "-j", "2", "-T", "10", "-f", script.toString(),
                    "-h", url.getHost(), "-p", Integer.toString(url.getPort()),
                    "-U", url.getUserInfo().split(":")[0], url.getPath().substring(1));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
            Matcher m = Pattern.compile("tps = ([0-9.]+)").matcher(out);
            assertThat(m.find()).as(out).isTrue();
            tps.add(Double.parseDouble(m.group(1)));
        }
        BenchReport.line("| floor: claim-and-complete cycles (pgbench, 8 clients) | " + Stats.of(tps).format("/s") + " |");
    }

    private static String pgbench() throws IOException {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, "pgbench"))) {
                return Path.of(dir, "pgbench").toString();
            }
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin/pgbench")).filter(Files::isExecutable).findFirst()
                    .map(Path::toString)
                    .orElseThrow(() -> new IllegalStateException("pgbench not found: apt-get install postgresql"));
        }
    }
}
