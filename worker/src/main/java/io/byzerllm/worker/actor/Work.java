package io.byzerllm.worker.actor;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.byzerllm.deploy.Capability;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatConventions;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.ForwardedChat;
import io.byzerllm.worker.ImageCall;
import io.byzerllm.worker.SpeechCall;
import io.byzerllm.worker.TranscriptionCall;

/** One unit of work a worker can be asked to do; each kind maps to one backend call. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Work.Chat.class, name = "chat"),
    @JsonSubTypes.Type(value = Work.Stream.class, name = "stream"),
    @JsonSubTypes.Type(value = Work.Forward.class, name = "forward"),
    @JsonSubTypes.Type(value = Work.ForwardStream.class, name = "forward_stream"),
    @JsonSubTypes.Type(value = Work.Embed.class, name = "embed"),
    @JsonSubTypes.Type(value = Work.Speak.class, name = "speak"),
    @JsonSubTypes.Type(value = Work.Transcribe.class, name = "transcribe"),
    @JsonSubTypes.Type(value = Work.Draw.class, name = "draw")})
public sealed interface Work {
  Capability capability();

  /** A chat; byzerllm's media requests in a chat ({@link ChatConventions}) need speech, image or transcription instead. */
  record Chat(ChatCall call) implements Work {
    public Capability capability() {
      return ChatConventions.capabilityOf(call, Capability.CHAT);
    }
  }

  /** A chat in the provider's own shape, forwarded as bytes (an OpenAI-compatible backend only). */
  record Forward(ForwardedChat call) implements Work {
    public Capability capability() {
      return Capability.CHAT;
    }
  }

  /**
   * A streamed chat in the provider's own shape, its events passed on as the provider's bytes (an
   * OpenAI-compatible backend only); held like a {@link Stream}.
   */
  record ForwardStream(ForwardedChat call) implements Work {
    public Capability capability() {
      return Capability.STREAM;
    }
  }

  /** A streamed chat: answered at once with a {@link StreamOpened}; the slot is held until the stream ends. */
  record Stream(ChatCall call) implements Work {
    public Capability capability() {
      return ChatConventions.capabilityOf(call, Capability.STREAM);
    }
  }

  record Embed(EmbeddingCall call) implements Work {
    public Capability capability() {
      return Capability.EMBEDDING;
    }
  }

  record Speak(SpeechCall call) implements Work {
    public Capability capability() {
      return Capability.SPEECH;
    }
  }

  record Transcribe(TranscriptionCall call) implements Work {
    public Capability capability() {
      return Capability.TRANSCRIPTION;
    }
  }

  record Draw(ImageCall call) implements Work {
    public Capability capability() {
      return Capability.IMAGE;
    }
  }
}
