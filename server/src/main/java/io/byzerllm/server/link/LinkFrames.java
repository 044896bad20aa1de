package io.byzerllm.server.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * The wire format of a node link: frames of a 4-byte length and a CBOR body, written by the object
 * mapper Pekko's {@code jackson-cbor}
 * serializer uses for the same messages between nodes. Calls go one way, {@link LinkAnswer}s the other.
 */
public final class LinkFrames {
  private final ObjectMapper cbor;
  private final int maxFrame;

  public LinkFrames(ObjectMapper cbor, int maxFrame) {
    this.cbor = cbor;
    this.maxFrame = maxFrame;
  }

  public static LinkFrames of(ActorSystem<?> system, int maxFrame) {
    return new LinkFrames(JacksonObjectMapperProvider.get(system).getOrCreate("jackson-cbor",
        Optional.of(new CBORFactory())), maxFrame);
  }

  /** {@code message} as one frame, length included, ready to write in one go. */
  public byte[] frame(Object message) {
    byte[] body;
    try {
      body = cbor.writeValueAsBytes(message);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode " + message.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
    if (body.length > maxFrame) {
      throw new IllegalArgumentException("a message of " + body.length + " bytes is over the node link's frame limit ("
          + maxFrame + " bytes, byzerllm.server.link.max-frame-size)");
    }
    byte[] frame = new byte[4 + body.length];
    frame[0] = (byte) (body.length >>> 24);
    frame[1] = (byte) (body.length >>> 16);
    frame[2] = (byte) (body.length >>> 8);
    frame[3] = (byte) body.length;
    System.arraycopy(body, 0, frame, 4, body.length);
    return frame;
  }

  /** The next frame's body; null at a clean end of the stream (between frames). */
  public byte[] read(DataInputStream in) throws IOException {
    int length;
    try {
      length = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    if (length < 0 || length > maxFrame) {
      throw new IOException("a frame of " + length + " bytes is over the node link's limit of " + maxFrame);
    }
    byte[] body = new byte[length];
    in.readFully(body);
    return body;
  }

  public static void write(OutputStream out, byte[] frame) throws IOException {
    out.write(frame);
    out.flush();
  }

  public LinkCall call(byte[] body) throws IOException {
    return cbor.readValue(body, LinkCall.class);
  }

  public LinkAnswer answer(byte[] body) throws IOException {
    return cbor.readValue(body, LinkAnswer.class);
  }
}
