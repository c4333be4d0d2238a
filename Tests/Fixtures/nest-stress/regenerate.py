"""Writes the stress protocols (NAME.json) and NEST 3.10's output for each (NAME.nest/).

Single-neuron protocols in the regimes where an adaptive integrator is most sensitive: sharp spike
initiation (small Delta_T, V_peak close to V_th), bursts without refractoriness, strong conductance
kicks, large adaptation, current steps. Each is a netview model file; its NEST output comes from
the PyNEST script `netview export --to pynest` writes for it, run by NEST.

    python regenerate.py NETVIEW_BINARY        (with a python that has nest-simulator 3.10)
"""
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RECORD = {
    "aeif_cond_exp": ["V_m", "w", "g_ex", "g_in"],
    "iaf_cond_exp": ["V_m", "g_ex", "g_in"],
}


def train(rng, rate_hz, t_stop, resolution):
    """Poisson spike times on the grid, in ms (at most one per step)."""
    times, t = set(), 0.0
    while True:
        t += rng.expovariate(rate_hz / 1000.0)
        if t >= t_stop:
            break
        times.add(round(max(resolution, round(t / resolution) * resolution), 6))
    return sorted(times)


def protocol(name, description, model, params, simulate, resolution=0.1, inputs=(), dc=(), seed=1):
    rng = random.Random(seed)
    nodes = [{"name": "neuron", "model": model, "params": params}]
    connections = []
    for k, (rate, weight, stop) in enumerate(inputs):
        nodes.append({"name": f"sg{k}", "model": "spike_generator",
                      "params": {"spike_times": train(rng, rate, stop, resolution)}})
        connections.append({"source": f"sg{k}", "target": "neuron", "syn_spec": {"weight": weight, "delay": 1.0}})
    for k, (amplitude, start, stop) in enumerate(dc):
        nodes.append({"name": f"dc{k}", "model": "dc_generator",
                      "params": {"amplitude": amplitude, "start": start, "stop": stop}})
        connections.append({"source": f"dc{k}", "target": "neuron", "syn_spec": {"weight": 1.0, "delay": 1.0}})
    nodes.append({"name": "mm", "model": "multimeter",
                  "params": {"record_from": RECORD[model], "interval": resolution}})
    nodes.append({"name": "spikes", "model": "spike_recorder"})
    connections.append({"source": "mm", "target": "neuron"})
    connections.append({"source": "neuron", "target": "spikes"})
    return name, {"name": name, "description": description,
                  "kernel": {"resolution": resolution, "seed": 1},
                  "nodes": nodes, "connections": connections, "simulate": simulate}


PROTOCOLS = [
    protocol("aeif_delta_t_0_5", "Delta_T 0.5 mV: a sharp spike upswing, driven by a current step",
             "aeif_cond_exp", {"Delta_T": 0.5, "V_peak": -47.9}, 300.0, dc=[(1000.0, 10.0, 260.0)]),
    protocol("aeif_delta_t_0_1_peak_near_th", "Delta_T 0.1 mV, V_peak 2 mV above V_th, noisy drive",
             "aeif_cond_exp", {"Delta_T": 0.1, "V_peak": -48.4, "I_e": 900.0}, 300.0,
             inputs=[(800.0, 12.0, 300.0), (300.0, -20.0, 300.0)], seed=2),
    protocol("aeif_peak_1mv_above_th", "V_peak 1 mV above V_th with the default Delta_T and spike input",
             "aeif_cond_exp", {"V_peak": -49.4, "I_e": 900.0}, 300.0,
             inputs=[(1000.0, 15.0, 300.0), (400.0, -25.0, 300.0)], seed=3),
    protocol("aeif_t_ref_0_bursts", "t_ref 0 and V_reset above V_th: long bursts ended by adaptation",
             "aeif_cond_exp", {"t_ref": 0.0, "V_reset": -47.0, "a": 2.0, "b": 25.0, "tau_w": 200.0,
                               "I_e": 700.0}, 400.0),
    protocol("aeif_t_ref_0_sharp_bursts", "t_ref 0, Delta_T 0.5, V_peak 3 mV above V_th, bursts with spike input",
             "aeif_cond_exp", {"t_ref": 0.0, "Delta_T": 0.5, "V_peak": -47.4, "V_reset": -48.0, "b": 40.0,
                               "tau_w": 100.0, "I_e": 500.0}, 300.0,
             inputs=[(500.0, 20.0, 300.0)], seed=4),
    protocol("aeif_strong_kicks", "conductance kicks of 400 nS excitatory and 300 nS inhibitory",
             "aeif_cond_exp", {"I_e": 550.0}, 300.0,
             inputs=[(60.0, 400.0, 300.0), (40.0, -300.0, 300.0)], seed=5),
    protocol("aeif_large_a_b", "strong adaptation: a 80 nS, b 400 pA, tau_w 50 ms",
             "aeif_cond_exp", {"a": 80.0, "b": 400.0, "tau_w": 50.0, "I_e": 2500.0}, 400.0,
             inputs=[(300.0, 30.0, 400.0)], seed=6),
    protocol("aeif_dc_steps", "three current steps, one hyperpolarizing",
             "aeif_cond_exp", {"Delta_T": 1.0, "b": 60.0}, 400.0,
             dc=[(600.0, 20.0, 120.0), (1200.0, 150.0, 200.0), (-400.0, 220.0, 300.0), (900.0, 310.0, 390.0)]),
    protocol("aeif_if_limit", "Delta_T 0: the integrate-and-fire limit (spikes at V_th), t_ref 0",
             "aeif_cond_exp", {"Delta_T": 0.0, "t_ref": 0.0, "I_e": 600.0, "b": 10.0}, 300.0,
             inputs=[(500.0, 10.0, 300.0)], seed=7),
    protocol("aeif_res_0_05_tol_1e_3", "resolution 0.05 ms, gsl_error_tol 1e-3, Delta_T 0.5, spike input",
             "aeif_cond_exp", {"Delta_T": 0.5, "V_peak": -47.4, "gsl_error_tol": 1e-3, "I_e": 850.0}, 200.0, resolution=0.05,
             inputs=[(700.0, 15.0, 200.0), (200.0, -20.0, 200.0)], seed=8),
    protocol("iaf_cond_exp_t_ref_0", "iaf_cond_exp with t_ref 0, strong drive and spike input",
             "iaf_cond_exp", {"t_ref": 0.0, "I_e": 900.0}, 300.0,
             inputs=[(800.0, 20.0, 300.0), (300.0, -30.0, 300.0)], seed=9),
    protocol("iaf_cond_exp_kicks_steps", "iaf_cond_exp: 300 nS kicks and current steps",
             "iaf_cond_exp", {"t_ref": 0.5}, 300.0,
             inputs=[(80.0, 300.0, 300.0), (50.0, -200.0, 300.0)],
             dc=[(500.0, 30.0, 130.0), (-300.0, 160.0, 220.0), (1500.0, 240.0, 280.0)], seed=10),
]


def main():
    netview = os.path.abspath(sys.argv[1])
    for name, model in PROTOCOLS:
        path = os.path.join(HERE, name + ".json")
        with open(path, "w") as f:
            json.dump(model, f, indent=1)
            f.write("\n")
        script = os.path.join(HERE, name + ".py")
        subprocess.run([netview, "export", path, "--to", "pynest", "-o", script], check=True)
        try:
            subprocess.run([sys.executable, script, "--out", os.path.join(HERE, name + ".nest")], check=True,
                           stdout=subprocess.DEVNULL)
        finally:
            os.remove(script)
        # The run's summary holds timings: only the data files are fixtures.
        out = os.path.join(HERE, name + ".nest")
        for f in os.listdir(out):
            if f not in ("mm.csv", "spikes.csv"):
                os.remove(os.path.join(out, f))
        print(name)


if __name__ == "__main__":
    main()
