package io.peershare.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.jline.utils.InfoCmp.Capability;

/**
 * The descriptions of the common terminal types that JLine carries in its jar ({@code
 * org/jline/utils/*.caps}, {@code infocmp} output of ncurses' entries), held here as constants,
 * with a parse of them that gives what JLine's {@code InfoCmp.parseInfoCmp} gives.
 *
 * <p>JLine reads its copy from the jar at every start of the shell, then parses it with a regular
 * expression compiled afresh for every line, after reading and splitting (one regular expression
 * per line again) its 464-line {@code capabilities.txt} to map each capability's short name to its
 * {@link Capability}: 80-180 ms of CPU on the terminal's thread before the prompt, on two cores
 * shared with the peer's start and the JIT (docs/benchmarks.md, "Start-up and exit"). Here: no
 * resource, one split of {@link #SHORT_NAMES}, a loop over characters.
 *
 * <p>The texts and the names are JLine 3.30.6's (BSD licence, as JLine itself, which ships beside
 * this jar); {@code TerminalDescriptionsTest} fails when the JLine on the class path has others, or
 * parses them differently.
 */
final class TerminalDescriptions {
  private TerminalDescriptions() {}

  /**
   * Every {@link Capability}'s short name ({@code infocmp}'s), in the order of the enum's constants
   * ({@code capabilities.txt}'s second column).
   */
  static final String SHORT_NAMES =
      """
      bw am bce ccc xhp xhpa cpix crxm xt xenl eo gn hc chts km daisy hs hls in lpix da db \
      mir msgr nxon xsb npc ndscr nrrmc os mc5i xvpa sam eslok hz ul xon cols it lh lw lines \
      lm xmc ma colors pairs wnum ncv nlab pb vt wsl bitwin bitype bufsz btns spinh spinv \
      maddr mjump mcs mls npins orc orhi orl orvi cps widcs acsc cbt bel cr cpi lpi chr cvr \
      csr rmp tbc mgc clear el1 el ed hpa cmdch cwin cup cud1 home civis cub1 mrcup cnorm \
      cuf1 ll cuu1 cvvis defc dch1 dl1 dial dsl dclk hd enacs smacs smam blink bold smcup \
      smdc dim swidm sdrfq smir sitm slm smicm snlq snrmq prot rev invis sshm smso ssubm \
      ssupm smul sum smxon ech rmacs rmam sgr0 rmcup rmdc rwidm rmir ritm rlm rmicm rshm rmso \
      rsubm rsupm rmul rum rmxon pause hook flash ff fsl wingo hup is1 is2 is3 if iprog initc \
      initp ich1 il1 ip ka1 ka3 kb2 kbs kbeg kcbt kc1 kc3 kcan ktbc kclr kclo kcmd kcpy kcrt \
      kctab kdch1 kdl1 kcud1 krmir kend kent kel ked kext kf0 kf1 kf10 kf11 kf12 kf13 kf14 \
      kf15 kf16 kf17 kf18 kf19 kf2 kf20 kf21 kf22 kf23 kf24 kf25 kf26 kf27 kf28 kf29 kf3 kf30 \
      kf31 kf32 kf33 kf34 kf35 kf36 kf37 kf38 kf39 kf4 kf40 kf41 kf42 kf43 kf44 kf45 kf46 \
      kf47 kf48 kf49 kf5 kf50 kf51 kf52 kf53 kf54 kf55 kf56 kf57 kf58 kf59 kf6 kf60 kf61 kf62 \
      kf63 kf7 kf8 kf9 kfnd khlp khome kich1 kil1 kcub1 kll kmrk kmsg kmov knxt knp kopn kopt \
      kpp kprv kprt krdo kref krfr krpl krst kres kcuf1 ksav kBEG kCAN kCMD kCPY kCRT kDC kDL \
      kslt kEND kEOL kEXT kind kFND kHLP kHOM kIC kLFT kMSG kMOV kNXT kOPT kPRV kPRT kri kRDO \
      kRPL kRIT kRES kSAV kSPD khts kUND kspd kund kcuu1 rmkx smkx lf0 lf1 lf10 lf2 lf3 lf4 \
      lf5 lf6 lf7 lf8 lf9 fln rmln smln rmm smm mhpa mcud1 mcub1 mcuf1 mvpa mcuu1 nel porder \
      oc op pad dch dl cud mcud ich indn il cub mcub cuf mcuf rin cuu mcuu pfkey pfloc pfx \
      pln mc0 mc5p mc4 mc5 pulse qdial rmclk rep rfi rs1 rs2 rs3 rf rc vpa sc ind ri scs sgr \
      setb smgb smgbp sclk scp setf smgl smglp smgr smgrp hts smgt smgtp wind sbim scsd rbim \
      rcsd subcs supcs ht docr tsl tone uc hu u0 u1 u2 u3 u4 u5 u6 u7 u8 u9 wait xoffc xonc \
      zerom scesa bicr binel birep csnm csin colornm defbi devt dispc endbi smpch smsc rmpch \
      rmsc getm kmous minfo pctrm pfxl reqmp scesc s0ds s1ds s2ds s3ds setab setaf setcolor \
      smglr slines smgtb ehhlm elhlm elohlm erhlm ethlm evhlm sgr1 slength
      """;

  /** JLine's {@code xterm.caps}. */
  static final String XTERM =
      """
      #\tReconstructed via infocmp from file: /usr/share/terminfo/78/xterm
      xterm|xterm terminal emulator (X Window System),
      \tam, bce, km, mc5i, mir, msgr, npc, xenl,
      \tcolors#8, cols#80, it#8, lines#24, pairs#64,
      \tacsc=``aaffggiijjkkllmmnnooppqqrrssttuuvvwwxxyyzz{{||}}~~,
      \tbel=^G, blink=\\E[5m, bold=\\E[1m, cbt=\\E[Z, civis=\\E[?25l,
      \tclear=\\E[H\\E[2J, cnorm=\\E[?12l\\E[?25h, cr=^M,
      \tcsr=\\E[%i%p1%d;%p2%dr, cub=\\E[%p1%dD, cub1=^H,
      \tcud=\\E[%p1%dB, cud1=^J, cuf=\\E[%p1%dC, cuf1=\\E[C,
      \tcup=\\E[%i%p1%d;%p2%dH, cuu=\\E[%p1%dA, cuu1=\\E[A,
      \tcvvis=\\E[?12;25h, dch=\\E[%p1%dP, dch1=\\E[P, dl=\\E[%p1%dM,
      \tdl1=\\E[M, ech=\\E[%p1%dX, ed=\\E[J, el=\\E[K, el1=\\E[1K,
      \tflash=\\E[?5h$<100/>\\E[?5l, home=\\E[H, hpa=\\E[%i%p1%dG,
      \tht=^I, hts=\\EH, ich=\\E[%p1%d@, il=\\E[%p1%dL, il1=\\E[L,
      \tind=^J, indn=\\E[%p1%dS, invis=\\E[8m,
      \tis2=\\E[!p\\E[?3;4l\\E[4l\\E>, kDC=\\E[3;2~, kEND=\\E[1;2F,
      \tkHOM=\\E[1;2H, kIC=\\E[2;2~, kLFT=\\E[1;2D, kNXT=\\E[6;2~,
      \tkPRV=\\E[5;2~, kRIT=\\E[1;2C, kb2=\\EOE, kbs=^H, kcbt=\\E[Z,
      \tkcub1=\\EOD, kcud1=\\EOB, kcuf1=\\EOC, kcuu1=\\EOA,
      \tkdch1=\\E[3~, kend=\\EOF, kent=\\EOM, kf1=\\EOP, kf10=\\E[21~,
      \tkf11=\\E[23~, kf12=\\E[24~, kf13=\\E[1;2P, kf14=\\E[1;2Q,
      \tkf15=\\E[1;2R, kf16=\\E[1;2S, kf17=\\E[15;2~, kf18=\\E[17;2~,
      \tkf19=\\E[18;2~, kf2=\\EOQ, kf20=\\E[19;2~, kf21=\\E[20;2~,
      \tkf22=\\E[21;2~, kf23=\\E[23;2~, kf24=\\E[24;2~,
      \tkf25=\\E[1;5P, kf26=\\E[1;5Q, kf27=\\E[1;5R, kf28=\\E[1;5S,
      \tkf29=\\E[15;5~, kf3=\\EOR, kf30=\\E[17;5~, kf31=\\E[18;5~,
      \tkf32=\\E[19;5~, kf33=\\E[20;5~, kf34=\\E[21;5~,
      \tkf35=\\E[23;5~, kf36=\\E[24;5~, kf37=\\E[1;6P, kf38=\\E[1;6Q,
      \tkf39=\\E[1;6R, kf4=\\EOS, kf40=\\E[1;6S, kf41=\\E[15;6~,
      \tkf42=\\E[17;6~, kf43=\\E[18;6~, kf44=\\E[19;6~,
      \tkf45=\\E[20;6~, kf46=\\E[21;6~, kf47=\\E[23;6~,
      \tkf48=\\E[24;6~, kf49=\\E[1;3P, kf5=\\E[15~, kf50=\\E[1;3Q,
      \tkf51=\\E[1;3R, kf52=\\E[1;3S, kf53=\\E[15;3~, kf54=\\E[17;3~,
      \tkf55=\\E[18;3~, kf56=\\E[19;3~, kf57=\\E[20;3~,
      \tkf58=\\E[21;3~, kf59=\\E[23;3~, kf6=\\E[17~, kf60=\\E[24;3~,
      \tkf61=\\E[1;4P, kf62=\\E[1;4Q, kf63=\\E[1;4R, kf7=\\E[18~,
      \tkf8=\\E[19~, kf9=\\E[20~, khome=\\EOH, kich1=\\E[2~,
      \tkind=\\E[1;2B, kmous=\\E[M, knp=\\E[6~, kpp=\\E[5~,
      \tkri=\\E[1;2A, mc0=\\E[i, mc4=\\E[4i, mc5=\\E[5i, meml=\\El,
      \tmemu=\\Em, op=\\E[39;49m, rc=\\E8, rev=\\E[7m, ri=\\EM,
      \trin=\\E[%p1%dT, rmacs=\\E(B, rmam=\\E[?7l, rmcup=\\E[?1049l,
      \trmir=\\E[4l, rmkx=\\E[?1l\\E>, rmm=\\E[?1034l, rmso=\\E[27m,
      \trmul=\\E[24m, rs1=\\Ec, rs2=\\E[!p\\E[?3;4l\\E[4l\\E>, sc=\\E7,
      \tsetab=\\E[4%p1%dm, setaf=\\E[3%p1%dm,
      \tsetb=\\E[4%?%p1%{1}%=%t4%e%p1%{3}%=%t6%e%p1%{4}%=%t1%e%p1%{6}%=%t3%e%p1%d%;m,
      \tsetf=\\E[3%?%p1%{1}%=%t4%e%p1%{3}%=%t6%e%p1%{4}%=%t1%e%p1%{6}%=%t3%e%p1%d%;m,
      \tsgr=%?%p9%t\\E(0%e\\E(B%;\\E[0%?%p6%t;1%;%?%p2%t;4%;%?%p1%p3%|%t;7%;%?%p4%t;5%;%?%p7%t;8%;m,
      \tsgr0=\\E(B\\E[m, smacs=\\E(0, smam=\\E[?7h, smcup=\\E[?1049h,
      \tsmir=\\E[4h, smkx=\\E[?1h\\E=, smm=\\E[?1034h, smso=\\E[7m,
      \tsmul=\\E[4m, tbc=\\E[3g, u6=\\E[%i%d;%dR, u7=\\E[6n,
      \tu8=\\E[?1;2c, u9=\\E[c, vpa=\\E[%i%p1%dd,
      """;

  /** JLine's {@code xterm-256color.caps}. */
  static final String XTERM_256COLOR =
      """
      #\tReconstructed via infocmp from file: /usr/share/terminfo/78/xterm-256color
      xterm-256color|xterm with 256 colors,
      \tam, bce, ccc, km, mc5i, mir, msgr, npc, xenl,
      \tcolors#256, cols#80, it#8, lines#24, pairs#32767,
      \tacsc=``aaffggiijjkkllmmnnooppqqrrssttuuvvwwxxyyzz{{||}}~~,
      \tbel=^G, blink=\\E[5m, bold=\\E[1m, cbt=\\E[Z, civis=\\E[?25l,
      \tclear=\\E[H\\E[2J, cnorm=\\E[?12l\\E[?25h, cr=^M,
      \tcsr=\\E[%i%p1%d;%p2%dr, cub=\\E[%p1%dD, cub1=^H,
      \tcud=\\E[%p1%dB, cud1=^J, cuf=\\E[%p1%dC, cuf1=\\E[C,
      \tcup=\\E[%i%p1%d;%p2%dH, cuu=\\E[%p1%dA, cuu1=\\E[A,
      \tcvvis=\\E[?12;25h, dch=\\E[%p1%dP, dch1=\\E[P, dl=\\E[%p1%dM,
      \tdl1=\\E[M, ech=\\E[%p1%dX, ed=\\E[J, el=\\E[K, el1=\\E[1K,
      \tflash=\\E[?5h$<100/>\\E[?5l, home=\\E[H, hpa=\\E[%i%p1%dG,
      \tht=^I, hts=\\EH, ich=\\E[%p1%d@, il=\\E[%p1%dL, il1=\\E[L,
      \tind=^J, indn=\\E[%p1%dS,
      \tinitc=\\E]4;%p1%d;rgb\\:%p2%{255}%*%{1000}%/%2.2X/%p3%{255}%*%{1000}%/%2.2X/%p4%{255}%*%{1000}%/%2.2X\\E\\\\,
      \tinvis=\\E[8m, is2=\\E[!p\\E[?3;4l\\E[4l\\E>, kDC=\\E[3;2~,
      \tkEND=\\E[1;2F, kHOM=\\E[1;2H, kIC=\\E[2;2~, kLFT=\\E[1;2D,
      \tkNXT=\\E[6;2~, kPRV=\\E[5;2~, kRIT=\\E[1;2C, kb2=\\EOE, kbs=^H,
      \tkcbt=\\E[Z, kcub1=\\EOD, kcud1=\\EOB, kcuf1=\\EOC, kcuu1=\\EOA,
      \tkdch1=\\E[3~, kend=\\EOF, kent=\\EOM, kf1=\\EOP, kf10=\\E[21~,
      \tkf11=\\E[23~, kf12=\\E[24~, kf13=\\E[1;2P, kf14=\\E[1;2Q,
      \tkf15=\\E[1;2R, kf16=\\E[1;2S, kf17=\\E[15;2~, kf18=\\E[17;2~,
      \tkf19=\\E[18;2~, kf2=\\EOQ, kf20=\\E[19;2~, kf21=\\E[20;2~,
      \tkf22=\\E[21;2~, kf23=\\E[23;2~, kf24=\\E[24;2~,
      \tkf25=\\E[1;5P, kf26=\\E[1;5Q, kf27=\\E[1;5R, kf28=\\E[1;5S,
      \tkf29=\\E[15;5~, kf3=\\EOR, kf30=\\E[17;5~, kf31=\\E[18;5~,
      \tkf32=\\E[19;5~, kf33=\\E[20;5~, kf34=\\E[21;5~,
      \tkf35=\\E[23;5~, kf36=\\E[24;5~, kf37=\\E[1;6P, kf38=\\E[1;6Q,
      \tkf39=\\E[1;6R, kf4=\\EOS, kf40=\\E[1;6S, kf41=\\E[15;6~,
      \tkf42=\\E[17;6~, kf43=\\E[18;6~, kf44=\\E[19;6~,
      \tkf45=\\E[20;6~, kf46=\\E[21;6~, kf47=\\E[23;6~,
      \tkf48=\\E[24;6~, kf49=\\E[1;3P, kf5=\\E[15~, kf50=\\E[1;3Q,
      \tkf51=\\E[1;3R, kf52=\\E[1;3S, kf53=\\E[15;3~, kf54=\\E[17;3~,
      \tkf55=\\E[18;3~, kf56=\\E[19;3~, kf57=\\E[20;3~,
      \tkf58=\\E[21;3~, kf59=\\E[23;3~, kf6=\\E[17~, kf60=\\E[24;3~,
      \tkf61=\\E[1;4P, kf62=\\E[1;4Q, kf63=\\E[1;4R, kf7=\\E[18~,
      \tkf8=\\E[19~, kf9=\\E[20~, khome=\\EOH, kich1=\\E[2~,
      \tkind=\\E[1;2B, kmous=\\E[M, knp=\\E[6~, kpp=\\E[5~,
      \tkri=\\E[1;2A, mc0=\\E[i, mc4=\\E[4i, mc5=\\E[5i, meml=\\El,
      \tmemu=\\Em, op=\\E[39;49m, rc=\\E8, rev=\\E[7m, ri=\\EM,
      \trin=\\E[%p1%dT, rmacs=\\E(B, rmam=\\E[?7l, rmcup=\\E[?1049l,
      \trmir=\\E[4l, rmkx=\\E[?1l\\E>, rmm=\\E[?1034l, rmso=\\E[27m,
      \trmul=\\E[24m, rs1=\\Ec, rs2=\\E[!p\\E[?3;4l\\E[4l\\E>, sc=\\E7,
      \tsetab=\\E[%?%p1%{8}%<%t4%p1%d%e%p1%{16}%<%t10%p1%{8}%-%d%e48;5;%p1%d%;m,
      \tsetaf=\\E[%?%p1%{8}%<%t3%p1%d%e%p1%{16}%<%t9%p1%{8}%-%d%e38;5;%p1%d%;m,
      \tsgr=%?%p9%t\\E(0%e\\E(B%;\\E[0%?%p6%t;1%;%?%p2%t;4%;%?%p1%p3%|%t;7%;%?%p4%t;5%;%?%p7%t;8%;m,
      \tsgr0=\\E(B\\E[m, smacs=\\E(0, smam=\\E[?7h, smcup=\\E[?1049h,
      \tsmir=\\E[4h, smkx=\\E[?1h\\E=, smm=\\E[?1034h, smso=\\E[7m,
      \tsmul=\\E[4m, tbc=\\E[3g, u6=\\E[%i%d;%dR, u7=\\E[6n,
      \tu8=\\E[?1;2c, u9=\\E[c, vpa=\\E[%i%p1%dd,
      """;

  /** JLine's {@code screen.caps}. */
  static final String SCREEN =
      """
      #\tReconstructed via infocmp from file: /usr/share/terminfo/73/screen
      screen|VT 100/ANSI X3.64 virtual terminal,
      \tam, km, mir, msgr, xenl,
      \tcolors#8, cols#80, it#8, lines#24, ncv#3, pairs#64,
      \tacsc=++\\,\\,--..00``aaffgghhiijjkkllmmnnooppqqrrssttuuvvwwxxyyzz{{||}}~~,
      \tbel=^G, blink=\\E[5m, bold=\\E[1m, cbt=\\E[Z, civis=\\E[?25l,
      \tclear=\\E[H\\E[J, cnorm=\\E[34h\\E[?25h, cr=^M,
      \tcsr=\\E[%i%p1%d;%p2%dr, cub=\\E[%p1%dD, cub1=^H,
      \tcud=\\E[%p1%dB, cud1=^J, cuf=\\E[%p1%dC, cuf1=\\E[C,
      \tcup=\\E[%i%p1%d;%p2%dH, cuu=\\E[%p1%dA, cuu1=\\EM,
      \tcvvis=\\E[34l, dch=\\E[%p1%dP, dch1=\\E[P, dl=\\E[%p1%dM,
      \tdl1=\\E[M, ed=\\E[J, el=\\E[K, el1=\\E[1K, enacs=\\E(B\\E)0,
      \tflash=\\Eg, home=\\E[H, ht=^I, hts=\\EH, ich=\\E[%p1%d@,
      \til=\\E[%p1%dL, il1=\\E[L, ind=^J, is2=\\E)0, kbs=^H, kcbt=\\E[Z,
      \tkcub1=\\EOD, kcud1=\\EOB, kcuf1=\\EOC, kcuu1=\\EOA,
      \tkdch1=\\E[3~, kend=\\E[4~, kf1=\\EOP, kf10=\\E[21~,
      \tkf11=\\E[23~, kf12=\\E[24~, kf2=\\EOQ, kf3=\\EOR, kf4=\\EOS,
      \tkf5=\\E[15~, kf6=\\E[17~, kf7=\\E[18~, kf8=\\E[19~, kf9=\\E[20~,
      \tkhome=\\E[1~, kich1=\\E[2~, kmous=\\E[M, knp=\\E[6~, kpp=\\E[5~,
      \tnel=\\EE, op=\\E[39;49m, rc=\\E8, rev=\\E[7m, ri=\\EM, rmacs=^O,
      \trmcup=\\E[?1049l, rmir=\\E[4l, rmkx=\\E[?1l\\E>, rmso=\\E[23m,
      \trmul=\\E[24m, rs2=\\Ec\\E[?1000l\\E[?25h, sc=\\E7,
      \tsetab=\\E[4%p1%dm, setaf=\\E[3%p1%dm,
      \tsgr=\\E[0%?%p6%t;1%;%?%p1%t;3%;%?%p2%t;4%;%?%p3%t;7%;%?%p4%t;5%;m%?%p9%t\\016%e\\017%;,
      \tsgr0=\\E[m\\017, smacs=^N, smcup=\\E[?1049h, smir=\\E[4h,
      \tsmkx=\\E[?1h\\E=, smso=\\E[3m, smul=\\E[4m, tbc=\\E[3g,
      """;

  /** JLine's {@code screen-256color.caps}. */
  static final String SCREEN_256COLOR =
      """
      #\tReconstructed via infocmp from file: /usr/share/terminfo/73/screen-256color
      screen-256color|GNU Screen with 256 colors,
      \tam, km, mir, msgr, xenl,
      \tcolors#256, cols#80, it#8, lines#24, ncv#3, pairs#32767,
      \tacsc=++\\,\\,--..00``aaffgghhiijjkkllmmnnooppqqrrssttuuvvwwxxyyzz{{||}}~~,
      \tbel=^G, blink=\\E[5m, bold=\\E[1m, cbt=\\E[Z, civis=\\E[?25l,
      \tclear=\\E[H\\E[J, cnorm=\\E[34h\\E[?25h, cr=^M,
      \tcsr=\\E[%i%p1%d;%p2%dr, cub=\\E[%p1%dD, cub1=^H,
      \tcud=\\E[%p1%dB, cud1=^J, cuf=\\E[%p1%dC, cuf1=\\E[C,
      \tcup=\\E[%i%p1%d;%p2%dH, cuu=\\E[%p1%dA, cuu1=\\EM,
      \tcvvis=\\E[34l, dch=\\E[%p1%dP, dch1=\\E[P, dl=\\E[%p1%dM,
      \tdl1=\\E[M, ed=\\E[J, el=\\E[K, el1=\\E[1K, enacs=\\E(B\\E)0,
      \tflash=\\Eg, home=\\E[H, ht=^I, hts=\\EH, ich=\\E[%p1%d@,
      \til=\\E[%p1%dL, il1=\\E[L, ind=^J, initc@, is2=\\E)0, kbs=^H,
      \tkcbt=\\E[Z, kcub1=\\EOD, kcud1=\\EOB, kcuf1=\\EOC, kcuu1=\\EOA,
      \tkdch1=\\E[3~, kend=\\E[4~, kf1=\\EOP, kf10=\\E[21~,
      \tkf11=\\E[23~, kf12=\\E[24~, kf2=\\EOQ, kf3=\\EOR, kf4=\\EOS,
      \tkf5=\\E[15~, kf6=\\E[17~, kf7=\\E[18~, kf8=\\E[19~, kf9=\\E[20~,
      \tkhome=\\E[1~, kich1=\\E[2~, kmous=\\E[M, knp=\\E[6~, kpp=\\E[5~,
      \tnel=\\EE, op=\\E[39;49m, rc=\\E8, rev=\\E[7m, ri=\\EM, rmacs=^O,
      \trmcup=\\E[?1049l, rmir=\\E[4l, rmkx=\\E[?1l\\E>, rmso=\\E[23m,
      \trmul=\\E[24m, rs2=\\Ec\\E[?1000l\\E[?25h, sc=\\E7,
      \tsetab=\\E[%?%p1%{8}%<%t4%p1%d%e%p1%{16}%<%t10%p1%{8}%-%d%e48;5;%p1%d%;m,
      \tsetaf=\\E[%?%p1%{8}%<%t3%p1%d%e%p1%{16}%<%t9%p1%{8}%-%d%e38;5;%p1%d%;m,
      \tsgr=\\E[0%?%p6%t;1%;%?%p1%t;3%;%?%p2%t;4%;%?%p3%t;7%;%?%p4%t;5%;m%?%p9%t\\016%e\\017%;,
      \tsgr0=\\E[m\\017, smacs=^N, smcup=\\E[?1049h, smir=\\E[4h,
      \tsmkx=\\E[?1h\\E=, smso=\\E[3m, smul=\\E[4m, tbc=\\E[3g,
      """;

  /**
   * The text for terminal type {@code type}: its own for the four types above, {@code screen}'s for
   * tmux's ({@code tmux}, {@code tmux-256color}: see {@link TerminalConsole#LIKE_BUILT_IN}), null
   * for any other type.
   */
  static String of(String type) {
    if (type == null) {
      return null;
    }
    return switch (TerminalConsole.LIKE_BUILT_IN.getOrDefault(type, type)) {
      case "xterm" -> XTERM;
      case "xterm-256color" -> XTERM_256COLOR;
      case "screen" -> SCREEN;
      case "screen-256color" -> SCREEN_256COLOR;
      default -> null;
    };
  }

  /**
   * Short and long names of every capability JLine names ({@code capabilities.txt} leaves out the
   * enum's last two, {@code xm} and {@code XM}).
   */
  static Map<String, Capability> byName() {
    Capability[] all = Capability.values();
    String[] shortNames = SHORT_NAMES.strip().split(" ");
    Map<String, Capability> names = new HashMap<>(4 * all.length);
    for (int i = 0; i < all.length && i < shortNames.length; i++) {
      names.put(all[i].name(), all[i]);
      names.put(shortNames[i], all[i]);
    }
    return names;
  }

  /**
   * Parses {@code description} (one of the texts above) into JLine's three tables, as {@code
   * InfoCmp.parseInfoCmp} does: the first line is skipped; every field up to a comma is a
   * capability, {@code name} (a flag), {@code name#number} (decimal, 0x hexadecimal, 0 octal) or
   * {@code name=string}; unknown names (the terminal's own names on the second line) are left out.
   */
  static void parse(
      String description,
      Set<Capability> bools,
      Map<Capability, Integer> ints,
      Map<Capability, String> strings) {
    Map<String, Capability> names = byName();
    int start = description.indexOf('\n') + 1;
    int field = -1; // start of the field being read, or -1 between fields
    for (int i = start; i < description.length(); i++) {
      char ch = description.charAt(i);
      if (ch == ',') {
        if (field >= 0) {
          add(description.substring(field, i), names, bools, ints, strings);
        }
        field = -1;
      } else if (ch == '\n') {
        field = -1; // a field ends with its line (none does here without a comma)
      } else if (field < 0 && !Character.isWhitespace(ch)) {
        field = i;
      }
    }
  }

  private static void add(
      String cap,
      Map<String, Capability> names,
      Set<Capability> bools,
      Map<Capability, Integer> ints,
      Map<Capability, String> strings) {
    int hash = cap.indexOf('#');
    int eq = cap.indexOf('=');
    if (hash >= 0) {
      Capability c = names.get(cap.substring(0, hash));
      if (c != null) {
        ints.put(c, number(cap.substring(hash + 1)));
      }
    } else if (eq >= 0) {
      Capability c = names.get(cap.substring(0, eq));
      if (c != null) {
        strings.put(c, cap.substring(eq + 1));
      }
    } else {
      Capability c = names.get(cap);
      if (c != null) {
        bools.add(c);
      }
    }
  }

  private static int number(String value) {
    if (value.equals("0")) {
      return 0;
    } else if (value.startsWith("0x")) {
      return Integer.parseInt(value.substring(2), 16);
    } else if (value.startsWith("0")) {
      return Integer.parseInt(value.substring(1), 8);
    }
    return Integer.parseInt(value);
  }
}
