/**
 * The Java client of a ByzerLLM cluster: {@link io.byzerllm.client.ByzerLLM} talks to any node over its
 * HTTP API (chat, streaming chat, embeddings, speech, transcription, images, deployments, cluster
 * state). It depends on the JDK's HttpClient and Jackson only.
 */
package io.byzerllm.client;
