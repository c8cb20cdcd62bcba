"""The pipeline's stages, one module each; `intake.pipeline` lists them in order."""
