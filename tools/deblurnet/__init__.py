"""Training the text-deblurring network the image stage runs on blurred cards.

``python -m tools.deblurnet.train`` renders synthetic cards (tools.samplegen's renderer, on
seeds that are not the sample set's), blurs them as a shaking or misfocused phone would, at
the scale the image stage hands Tesseract, and fits a small convolutional network to undo
the blur; it writes ``cardscan/imaging/data/deblur.onnx``, which OpenCV's dnn module runs
(no PyTorch at run time). See tools/deblurnet/README.md.
"""
