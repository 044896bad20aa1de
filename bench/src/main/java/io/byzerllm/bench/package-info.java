package io.byzerllm.bench;
