package io.byzerllm.lite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** API key files: readable by their owner only, written whole (never half a key), never shown in a message. */
final class KeyFiles {
  private KeyFiles() {}

  /** Writes a secret readable by its owner only: the directory 0700, the file 0600 from its creation on. */
  static void writeOwnerOnly(Path file, String secret) {
    try {
      Path dir = file.getParent();
      if (!Files.exists(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException raced) {
        throw new IOException("another writer is saving " + file, raced);
      }
      Files.writeString(tmp, secret, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the key file " + file + " (no key shown)", e);
    } catch (UnsupportedOperationException e) {
      throw new IllegalStateException("this file system cannot restrict " + file + " to its owner; keep keys on a "
          + "POSIX file system", e);
    }
  }
}
