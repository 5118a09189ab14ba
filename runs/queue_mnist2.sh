#!/usr/bin/env bash
# cnn-lstm-mnist with a 2-layer decoder (the 5-layer one stayed on the mean-image plateau, see TRAINING.md),
# then dae-mnist with a 64-d latent.
cd "$(dirname "$0")/.."
runs/train_inpaint_mnist.sh cnn-lstm 8000 -c layers=2 --lr 3e-3 > runs/train_cnn_lstm.log 2>&1
runs/train_dae_mnist_latent64.sh > runs/train_dae_mnist_latent64.log 2>&1
