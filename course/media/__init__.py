"""Course media: shipped files under static/media and trainers' uploads in storage."""
