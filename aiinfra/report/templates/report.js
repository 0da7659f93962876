// aiinfra report: lays out the pages of one static report from its data blob.
// Formatting only: every value was decided in Python (aiinfra/report/data.py documents the blob).
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("report-data").textContent);
  const S = D.s;
  const col = {};
  for (const [table, names] of Object.entries(D.columns)) {
    col[table] = {};
    names.forEach((n, i) => { col[table][n] = i; });
  }
  const C = col.device, K = col.port_kind, T = col.cable_type, H = col.headroom;
  const str = (i) => (i === null || i === undefined || i < 0 ? "" : S[i]);
  const byName = new Map();
  D.devices.forEach((d, i) => byName.set(S[d[C.name_s]], i));
  const ip = (v) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
  const fmt = (n) => (n === null || n === undefined ? "" : Number(n).toLocaleString("en-US"));

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c === null ? "" : String(c)));
    return e;
  }
  const deviceLink = (name) => (byName.has(name) ? el("a", { href: "#device/" + encodeURIComponent(name) }, name) : name);

  // ports of one device, decoded: the blob stores address deltas and shared port kinds
  function ports(d) {
    let previous = 0;
    return d[C.ports].map((p) => {
      const kind = D.port_kinds[p[1]];
      const prefix = kind[K.prefix];
      let address = "", peerAddress = "";
      if (prefix >= 0) {
        const value = previous + p[4];
        previous = value;
        address = ip(value) + "/" + prefix;
        peerAddress = p.length > 5 ? str(p[5]) : prefix === 31 ? ip((value ^ 1) >>> 0) : "";
      } else if (p.length > 4) {
        address = str(p[4]);
        peerAddress = str(p[5]);
      }
      return {
        name: S[p[0]], role: S[kind[K.role_s]], speed: kind[K.speed_gbps], mode: S[kind[K.mode_s]], mtu: kind[K.mtu],
        enabled: kind[K.enabled] === 1, lossless: kind[K.lossless] === 1, headroom: kind[K.headroom], bfd: kind[K.bfd] === 1,
        peer: str(p[2]), peerIf: str(p[3]), address: address, peerAddress: peerAddress,
      };
    });
  }

  function sessions(d, portList) {
    return d[C.bgp].map((b) => {
      if (b[0] >= 0) {
        const p = portList[b[0]];
        const peer = byName.has(p.peer) ? D.devices[byName.get(p.peer)] : null;
        return { address: p.peerAddress, asn: b.length > 3 ? b[3] : peer ? peer[C.asn] : "", peer: p.peer,
          iface: p.name, group: str(b[1]), bfd: b[2] === 1 };
      }
      return { address: str(b[4]), asn: b[3], peer: str(b[5]), iface: str(b[6]), group: str(b[1]), bfd: b[2] === 1 };
    });
  }

  function table(caption, header, rows, numeric) {
    const t = el("table", {}, el("caption", {}, caption));
    const hr = el("tr", {});
    header.forEach((h, i) => hr.append(el("th", { scope: "col", class: numeric && numeric[i] ? "num" : null }, h)));
    t.append(el("thead", {}, hr));
    const body = el("tbody", {});
    for (const r of rows) {
      const tr = el("tr", {});
      r.forEach((c, i) => tr.append(el("td", { class: numeric && numeric[i] ? "num" : null }, c)));
      body.append(tr);
    }
    t.append(body);
    return el("div", { class: "scroll" }, t);
  }

  function showDevice(name) {
    const body = document.getElementById("device-body");
    const title = document.getElementById("device-title");
    body.replaceChildren();
    if (!byName.has(name)) {
      title.textContent = "No such device";
      body.append(el("p", {}, "This design has no switch named " + name + "."));
      return;
    }
    const d = D.devices[byName.get(name)];
    title.textContent = name;
    const fabric = S[d[C.fabric_s]];
    const qos = d[C.qos_s] >= 0 ? D.qos[S[d[C.qos_s]]] : null;
    const facts = [
      ["Fabric / role", fabric + " / " + S[d[C.role_s]]],
      ["Model", S[d[C.model_s]]],
      ["OS", S[d[C.os_s]] + " " + S[d[C.release_s]]],
      ["Management", str(d[C.mgmt_s])],
      ["Loopback", str(d[C.loopback_s]) || "-"],
      ["BGP ASN / router ID", d[C.asn] === null ? "-" : d[C.asn] + " / " + str(d[C.router_id_s])],
      ["Position", ["su", "rail", "pod", "plane"].filter((k) => d[C[k]] !== null).map((k) => k + " " + d[C[k]]).join(", ") || "-"],
      ["Load balancing", S[d[C.load_balancing_s]]],
      ["Switch MTU", d[C.mtu]],
      ["Power (max)", d[C.power_w] ? fmt(d[C.power_w]) + " W" : "-"],
    ];
    const dl = el("dl", { class: "facts" });
    for (const [k, v] of facts) dl.append(el("dt", {}, k), el("dd", {}, v));
    const qosDd = el("dd", {});
    if (qos) {
      qosDd.append("lossless RoCE: PFC on priority " + qos.nodrop_priority + ", DSCP " + qos.roce_dscps.join(", ") +
        ", ECN " + qos.ecn + " (", el("a", { href: "#qos" }, "QoS contract"), ")");
    } else qosDd.append("best effort (no lossless class)");
    dl.append(el("dt", {}, "QoS"), qosDd);
    const files = el("dd", {});
    d[C.configs].forEach((href, i) => { if (i) files.append(", "); files.append(el("a", { href: href }, href)); });
    dl.append(el("dt", {}, "Rendered config"), files);
    body.append(dl);
    const list = ports(d);
    const rows = list.map((p) => {
      let pfc = "-";
      if (p.lossless) {
        const h = p.headroom >= 0 ? D.headroom[p.headroom] : null;
        pfc = "PFC " + (qos ? qos.nodrop_priority : "") + (h ? ", xoff " + fmt(h[H.xoff_bytes]) + " B (" + h[H.name] + ")" : "");
      }
      return [p.name, p.role, p.speed + "G", p.mode + (p.enabled ? "" : " (shut)"), p.address || "-",
        p.peer ? deviceLink(p.peer) : "-", p.peerIf || "-", p.peerAddress || "-", pfc, p.mtu];
    });
    const PORT_HEADER = ["port", "role", "speed", "mode", "address", "neighbour", "neighbour port", "neighbour address", "QoS / PFC", "MTU"];
    const PORT_NUMERIC = [false, false, true, false, false, false, false, false, false, true];
    const used = rows.filter((r, i) => list[i].role !== "unused");
    const unused = rows.filter((r, i) => list[i].role === "unused");
    body.append(el("h3", {}, "Ports (" + fmt(used.length) + " in use, " + fmt(unused.length) + " unused)"));
    body.append(table("Ports in use: neighbour, speed, address, role and PFC state", PORT_HEADER, used, PORT_NUMERIC));
    if (unused.length) {
      body.append(el("details", {}, el("summary", {}, fmt(unused.length) + " unused ports"),
        table("Unused ports", PORT_HEADER, unused, PORT_NUMERIC)));
    }
    const bgp = sessions(d, list);
    body.append(el("h3", {}, "BGP peers (" + fmt(bgp.length) + ")"));
    if (bgp.length) {
      body.append(table("BGP sessions", ["address", "remote ASN", "peer", "interface", "peer group", "BFD"],
        bgp.map((b) => [b.address, b.asn, deviceLink(b.peer), b.iface, b.group, b.bfd ? "yes" : "no"]),
        [false, true, false, false, false, false]));
    } else body.append(el("p", {}, "No BGP sessions."));
  }

  // the device list, filtered by text or by one group token (su:3, pod:2, plane:12)
  let deviceRows = null;
  function showDevices(filter) {
    const input = document.getElementById("device-filter");
    if (filter !== null) input.value = filter;
    if (deviceRows === null) {
      deviceRows = D.devices.map((d) => {
        const tokens = ["su", "rail", "pod", "plane"].filter((k) => d[C[k]] !== null).map((k) => k + ":" + d[C[k]]);
        const cells = [S[d[C.name_s]], S[d[C.fabric_s]], S[d[C.role_s]], S[d[C.model_s]], S[d[C.os_s]], tokens.join(" "), str(d[C.mgmt_s])];
        const position = { su: d[C.su], rail: d[C.rail], pod: d[C.pod], plane: d[C.plane] };
        return { cells: cells, text: cells.join(" ").toLowerCase(), position: position };
      });
    }
    const q = input.value.trim().toLowerCase();
    const terms = q.split(/\s+/).filter(Boolean);
    const hits = deviceRows.filter((r) => terms.every((t) => {
      const m = /^(su|rail|pod|plane):(\d+)(?:-(\d+))?$/.exec(t);
      if (!m) return r.text.includes(t);
      const v = r.position[m[1]];
      return v !== null && v >= Number(m[2]) && v <= Number(m[3] || m[2]);
    }));
    const body = document.querySelector("#device-list tbody");
    body.replaceChildren(...hits.slice(0, 2000).map((r) => {
      const tr = el("tr", {});
      r.cells.forEach((c, i) => tr.append(el("td", {}, i === 0 ? deviceLink(c) : c)));
      return tr;
    }));
    document.getElementById("device-count").textContent = "Showing " + fmt(Math.min(hits.length, 2000)) + " of " +
      fmt(hits.length) + " matching switches (" + fmt(D.devices.length) + " in all).";
  }

  // the cabling table: built once from the blob, filtered and sorted in place, shown in pages
  const CABLE_HEADER = ["fabric", "kind", "A end", "A port", "B end", "B port", "speed G", "length m", "reach", "cable", "A optic", "B optic"];
  const CABLE_NUMERIC = [false, false, false, false, false, false, true, true, false, false, false, false];
  let cables = null, cableView = [], shown = 0, sortBy = -1, sortDir = 1;
  const PAGE = 500;
  function cableRows() {
    const portCache = new Map();
    return D.cables.map((c) => {
      let a, aIf, b, bIf, type;
      if (c[0] >= 0) {
        let list = portCache.get(c[0]);
        if (!list) { list = ports(D.devices[c[0]]); portCache.set(c[0], list); }
        const p = list[c[1]];
        b = S[D.devices[c[0]][C.name_s]]; bIf = p.name; a = p.peer; aIf = p.peerIf; type = D.cable_types[c[2]];
      } else {
        type = D.cable_types[c[1]]; a = str(c[2]); aIf = str(c[3]); b = str(c[4]); bIf = str(c[5]);
      }
      const cells = [S[type[T.fabric_s]], S[type[T.kind_s]], a, aIf, b, bIf, type[T.speed_gbps], type[T.length_m],
        S[type[T.reach_s]], S[type[T.cable_s]], S[type[T.a_optic_s]], S[type[T.b_optic_s]]];
      return { cells: cells, text: cells.join(" ").toLowerCase() };
    });
  }
  function filterCables() {
    if (cables === null) cables = cableRows();
    const terms = document.getElementById("cable-filter").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    cableView = terms.length ? cables.filter((r) => terms.every((t) => r.text.includes(t))) : cables.slice();
    if (sortBy >= 0) {
      const num = CABLE_NUMERIC[sortBy];
      cableView.sort((x, y) => {
        const a = x.cells[sortBy], b = y.cells[sortBy];
        return sortDir * (num ? a - b : String(a).localeCompare(String(b), "en", { numeric: true }));
      });
    }
    document.querySelector("#cable-table tbody").replaceChildren();
    shown = 0;
    moreCables();
  }
  function moreCables() {
    const body = document.querySelector("#cable-table tbody");
    const next = cableView.slice(shown, shown + PAGE);
    body.append(...next.map((r) => {
      const tr = el("tr", {});
      r.cells.forEach((c, i) => tr.append(el("td", { class: CABLE_NUMERIC[i] ? "num" : null }, i === 2 || i === 4 ? deviceLink(c) : c)));
      return tr;
    }));
    shown += next.length;
    document.getElementById("cable-count").textContent = "Showing " + fmt(shown) + " of " + fmt(cableView.length) +
      " matching cables (" + fmt(D.cables.length) + " in all).";
    document.getElementById("cable-more").hidden = shown >= cableView.length;
  }
  function setupCabling() {
    const head = document.querySelector("#cable-table thead tr");
    CABLE_HEADER.forEach((h, i) => {
      const b = el("button", { class: "sort", type: "button" }, h);
      const th = el("th", { scope: "col", class: CABLE_NUMERIC[i] ? "num" : null, "aria-sort": "none" }, b);
      b.addEventListener("click", () => {
        sortDir = sortBy === i ? -sortDir : 1;
        sortBy = i;
        head.querySelectorAll("th").forEach((x) => x.setAttribute("aria-sort", "none"));
        th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
        filterCables();
      });
      head.append(th);
    });
    let timer = 0;
    document.getElementById("cable-filter").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(filterCables, 150); });
    document.getElementById("cable-more").addEventListener("click", moreCables);
  }

  // the back-end SU detail: the page holds one <template> per SU and shows the chosen one
  function showSu(su) {
    const pick = document.getElementById("su-pick");
    if (!pick) return;
    const t = document.getElementById("su-template-" + su) || document.querySelector("template[id^='su-template-']");
    if (!t) return;
    pick.value = t.id.replace("su-template-", "");
    const target = document.getElementById("su-detail");
    target.replaceChildren(t.content.cloneNode(true));
  }

  const PAGES = ["overview", "topology", "devices", "device", "cabling", "bom", "qos", "sizing", "plan"];
  function route() {
    const hash = decodeURIComponent(location.hash.replace(/^#/, ""));
    const [head, ...rest] = hash.split("/");
    let page = PAGES.includes(head) ? head : "overview";
    if (head === "backend") page = "topology";
    for (const p of PAGES) {
      const s = document.getElementById(p);
      if (s) s.hidden = p !== page;
    }
    document.querySelectorAll("nav a").forEach((a) => {
      const target = a.getAttribute("href").slice(1);
      if (target === page || (page === "device" && target === "devices")) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    if (page === "device") showDevice(rest.join("/"));
    if (page === "devices") showDevices(rest.length ? rest.join("/") : null);
    if (page === "cabling" && cables === null) filterCables();
    window.scrollTo(0, 0);
    if (head === "backend" && rest[0] === "su") {
      showSu(rest[1]);
      const pick = document.getElementById("su-pick");
      if (pick) pick.scrollIntoView({ block: "start" });
    }
  }

  document.getElementById("device-filter").addEventListener("input", () => showDevices(null));
  const pick = document.getElementById("su-pick");
  if (pick) {
    pick.addEventListener("change", () => { location.hash = "#backend/su/" + pick.value; });
    showSu(pick.value);
  }
  setupCabling();
  window.addEventListener("hashchange", route);
  route();
  document.body.setAttribute("data-ready", "1");
})();
