#!/usr/bin/python3
"""Open3D screened Poisson peer for bench/recon/run.sh: poisson.py IN.ply OUT.ply DEPTH.

Estimates and orients normals when the cloud has none (kNN 16, consistent tangent plane), then
create_from_point_cloud_poisson at DEPTH (all cores), untrimmed. Prints the wall seconds of
normals + Poisson (reading and writing excluded)."""
import sys
import time

import open3d as o3d

inp, out, depth = sys.argv[1], sys.argv[2], int(sys.argv[3])
pc = o3d.io.read_point_cloud(inp)
t = time.time()
if not pc.has_normals():
    pc.estimate_normals(o3d.geometry.KDTreeSearchParamKNN(16))
    pc.orient_normals_consistent_tangent_plane(16)
mesh, _ = o3d.geometry.TriangleMesh.create_from_point_cloud_poisson(pc, depth=depth)
sec = time.time() - t
o3d.io.write_triangle_mesh(out, mesh)
print("%.3f" % sec)
