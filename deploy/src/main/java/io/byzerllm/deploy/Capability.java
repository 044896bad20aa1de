package io.byzerllm.deploy;

/** What a deployed model can be asked to do. */
public enum Capability {
  CHAT,
  STREAM,
  EMBEDDING,
  SPEECH,
  TRANSCRIPTION,
  IMAGE,
  VISION
}
