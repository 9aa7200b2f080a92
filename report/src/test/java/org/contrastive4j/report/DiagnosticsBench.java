package org.contrastive4j.report;
import java.util.Random;
/** Timing of {@link EmbeddingDiagnostics#compute}: args nTrain nTest dim threads (not a test; run by hand). */
public final class DiagnosticsBench {
  private DiagnosticsBench() {}
  public static void main(String[] a) {
    int nTr = Integer.parseInt(a[0]), nTe = Integer.parseInt(a[1]), d = Integer.parseInt(a[2]), th = Integer.parseInt(a[3]);
    Random r = new Random(1);
    float[][] tr = new float[nTr][d]; int[] ytr = new int[nTr];
    float[][] te = new float[nTe][d]; int[] yte = new int[nTe];
    for (int i=0;i<nTr;i++){ytr[i]=r.nextInt(10); for(int k=0;k<d;k++) tr[i][k]=(float)r.nextGaussian()+ (k==ytr[i]?3:0);}
    for (int i=0;i<nTe;i++){yte[i]=r.nextInt(10); for(int k=0;k<d;k++) te[i][k]=(float)r.nextGaussian()+ (k==yte[i]?3:0);}
    for (int rep=0; rep<3; rep++) {
      long t0=System.nanoTime();
      EmbeddingDiagnostics e = EmbeddingDiagnostics.compute(tr,ytr,te,yte,10,th);
      double s=(System.nanoTime()-t0)/1e9;
      System.out.printf("%dx%dx%d threads=%d: %.2f s (%.1f GFLOP/s) medT=%.3f medN=%.3f nn1=%.3f%n", nTe,nTr,d,th,s, 2.0*nTr*nTe*d/s/1e9, e.medianTarget(), e.medianNoise(), e.nn1Accuracy());
    }
  }
}
