import Foundation

/// `xfs_growfs DEVICE|MOUNTPOINT`: grows docker's XFS file system to its logical volume.
enum XfsGrowfsTool: SimTool {
    static let names = ["xfs_growfs"]

    static func info(_ s: DockerStorage) -> String {
        """
        meta-data=\(s.mapperPath) isize=512    agcount=4, agsize=\(s.fsSizeMiB * 64) blks
                 =                       sectsz=512   attr=2, projid32bit=1
                 =                       crc=1        finobt=0 spinodes=0
        data     =                       bsize=4096   blocks=\(s.fsSizeMiB * 256), imaxpct=25
                 =                       sunit=0      swidth=0 blks
        naming   =version 2              bsize=4096   ascii-ci=0 ftype=1
        log      =internal               bsize=4096   blocks=2560, version=2
                 =                       sectsz=512   sunit=0 blks, lazy-count=1
        realtime =none                   extsz=4096   blocks=0, rtextents=0

        """
    }

    static func run(_ c: ToolContext) throws -> Int32 {
        let targets = c.args.filter { !$0.hasPrefix("-") }
        guard targets.count == 1, let target = targets.first else {
            throw c.fail("Usage: xfs_growfs [options] mountpoint")
        }
        return try c.update { v in
            guard let h = v.state.hostIndex(c.host), var s = v.state.hosts[h].storage, s.driver == "overlay2",
                  [s.mapperPath, "/dev/\(s.volumeGroup)/\(s.logicalVolume)", "/var/lib/docker", "/var/lib/docker/"].contains(target) else {
                throw c.fail("xfs_growfs: \(target) is not a mounted XFS filesystem")
            }
            c.out(info(s))
            if s.lvSizeMiB > s.fsSizeMiB {
                c.out("data blocks changed from \(s.fsSizeMiB * 256) to \(s.lvSizeMiB * 256)\n")
                s.fsSizeMiB = s.lvSizeMiB
                v.state.hosts[h].storage = s
            }
            return 0
        }
    }
}
