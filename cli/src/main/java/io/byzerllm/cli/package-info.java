package io.byzerllm.cli;
