package io.byzerllm.client;
