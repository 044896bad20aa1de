package io.byzerllm.client.prompt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;

/**
 * An image inlined as a {@code data:} URL, byzerllm's {@code Image}. In a prompt template
 * ({@code {{ image }}}) it renders as {@code <_image_>data:…</_image_>}, which the prompt function
 * sends as an OpenAI {@code image_url} part; {@link #dataUrl()} is the bare URL for hand-built
 * {@code chatOai} messages.
 */
public record Image(String dataUrl) {
  public Image {
    if (dataUrl == null || !dataUrl.startsWith("data:")) {
      throw new IllegalArgumentException("an Image holds a data: URL (got "
          + (dataUrl == null ? "null" : dataUrl.substring(0, Math.min(30, dataUrl.length()))) + ")");
    }
  }

  /** byzerllm's {@code Image.load_image_from_path}: reads the file and encodes it; the media type follows the extension. */
  public static Image loadImageFromPath(String path) {
    return new Image(dataUrl(Path.of(path), "image"));
  }

  /** The tagged form a prompt carries: {@code <_image_>data:…</_image_>}. */
  public String tagged() {
    return "<_image_>" + dataUrl + "</_image_>";
  }

  @Override
  public String toString() {
    return tagged();
  }

  /** A {@code data:} URL of a file; {@code kind} is {@code image} or {@code audio}. */
  static String dataUrl(Path file, String kind) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return "data:" + mediaType(file, kind) + ";base64," + Base64.getEncoder().encodeToString(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + kind + " file " + file.toAbsolutePath(), e);
    }
  }

  private static String mediaType(Path file, String kind) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return switch (ext) {
      case "jpg", "jpeg" -> "image/jpeg";
      case "png", "gif", "webp", "bmp" -> "image/" + ext;
      case "mp3" -> "audio/mpeg";
      case "wav", "ogg", "flac", "webm" -> "audio/" + ext;
      case "m4a" -> "audio/mp4";
      default -> kind.equals("image") ? "image/jpeg" : "audio/wav";
    };
  }
}
