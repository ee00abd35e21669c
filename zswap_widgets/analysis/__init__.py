"""The analysis floor, on top of the model: the cover letter's benchmark and the measured
real-kernel traces. No widgets."""
