"""Comments, replies, endorsements and dispositions on draft versions."""
