#!/usr/bin/env bash
# The MNIST runs of this session, one after the other (each holds both cores).
cd "$(dirname "$0")/.."
runs/train_dae_mnist_shifted.sh > runs/train_dae_mnist_shifted.log 2>&1
runs/train_inpaint_mnist.sh cnn-cnn 8000 > runs/train_cnn_cnn.log 2>&1
runs/train_inpaint_mnist.sh cnn-lstm 8000 > runs/train_cnn_lstm.log 2>&1
