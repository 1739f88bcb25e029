fn main() {
    let path = std::env::args().nth(1).expect("listing file");
    let data = std::fs::read(path).expect("read");
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let l = ctxlens_core::listing::parse_listing(&data, Some(ctxlens_core::listing::ListingFormat::DuBytes))
            .expect("parses");
        let el = t.elapsed();
        println!("{} nodes in {:?}: {:.0} MB/s", l.tree.len(), el, data.len() as f64 / el.as_secs_f64() / 1e6);
    }
}
