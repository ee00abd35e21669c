"""The dashboard's CSS, sent once inside an HTML widget (ipywidgets has no stylesheet API).

Class names start with zsw-: the dashboard root is .zsw-dash; while a run computes it carries
.zsw-busy, which dims every .zsw-dim part and shows the .zsw-overlay (progress bar and cancel
button) over the pool chart.
"""

CSS = """<style>
.zsw-dash.zsw-busy .zsw-dim { opacity: 0.3; pointer-events: none; }
.zsw-dash .zsw-chart-area { position: relative; }
.zsw-dash .zsw-overlay {
  position: absolute; top: 70px; left: 50%; transform: translateX(-50%); z-index: 20;
  background: #ffffff; border: 1px solid #888; border-radius: 4px; padding: 8px 12px;
  box-shadow: 0 2px 10px rgba(0, 0, 0, 0.3);
}
.zsw-dash .zsw-chip {
  overflow: hidden; white-space: normal; font-size: 12px; line-height: 1.15;
  border-radius: 3px;
}
.zsw-dash .zsw-strip { margin: 1px 0; }
</style>"""
