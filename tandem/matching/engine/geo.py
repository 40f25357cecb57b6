"""Points on the sphere as 3-D unit vectors.

A k-d tree over unit vectors answers "who is within r km" exactly for the whole
globe (no seams at the date line, no stretching near the poles), and the chord
length converts to the great-circle distance with one arcsine.
"""

import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_KM = 6371.0088


def unit_vectors(latitudes: NDArray[np.float64], longitudes: NDArray[np.float64]) -> NDArray[np.float64]:
    lat = np.radians(latitudes)
    lon = np.radians(longitudes)
    cos_lat = np.cos(lat)
    return np.stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)), axis=-1)


def chord_for_km(km: float) -> float:
    """Chord length on the unit sphere that spans ``km`` of great circle."""
    angle = min(km / EARTH_RADIUS_KM, np.pi)
    return float(2.0 * np.sin(angle / 2.0))


def km_from_chord2(chord2: NDArray[np.float64]) -> NDArray[np.float64]:
    """Great-circle km from squared chord lengths (vectorised)."""
    half = np.sqrt(chord2) * 0.5
    np.minimum(half, 1.0, out=half)
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(half))
