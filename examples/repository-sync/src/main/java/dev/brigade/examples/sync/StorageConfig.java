package dev.brigade.examples.sync;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;

/** Where the synced repositories live: one folder per repository under {@code storage}. */
@ConfigMapping(prefix = "repository-sync")
public interface StorageConfig {
    Path storage();
}
