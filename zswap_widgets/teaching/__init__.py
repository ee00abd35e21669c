"""The teaching floor: exercises with their checkers and the tutorial launcher. The notebooks
themselves live in the repository's notebooks/ folder (shipped as zswap_widgets/notebooks)."""
